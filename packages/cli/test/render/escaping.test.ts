// Keys and names come from the snapshot: whatever they hold, no format may break or run code.

import { STRING_LIMIT } from '@dqlite-analyzer/core';
import { parseMarkdown } from '@dqlite-analyzer/test-support/markdown';
import { describe, expect, it } from 'vitest';
import { RENDERERS } from '../../src/formats.js';
import { escapeControlCharacters } from '../../src/render/control-characters.js';
import { CONTEXT, sample } from './fixture.js';

const HOSTILE = '/registry/pods/x/<script>alert(1)</script>|*bold*`tick`';

function hostileAnalysis() {
  const analysis = sample();
  analysis.hotKeys[0]!.key = HOSTILE;
  analysis.findings[0]!.remediation = 'echo ```fenced```\necho done';
  return analysis;
}

describe('text from the snapshot is escaped', () => {
  it('markdown: a hostile key stays one table cell, shown as written', () => {
    const md = parseMarkdown(RENDERERS.markdown.analysis(hostileAnalysis(), CONTEXT));
    const hot = md.tables.find((t) => t.title.startsWith('Hot keys'))!;
    expect(hot.rows[0]).toHaveLength(hot.header.length);
    // Not under its resource's prefix, so shown whole in the name column.
    expect(hot.rows[0]![1]).toBe(HOSTILE);
    expect(md.html).not.toContain('<script>');
    // The fence is longer than the backtick run inside, so the block holds the whole remediation.
    expect(md.code[0]!.text).toBe('echo ```fenced```\necho done');
  });

  it('html: a hostile key is text, and the page has no script at all', () => {
    const html = RENDERERS.html.analysis(hostileAnalysis(), CONTEXT);
    expect(html).not.toMatch(/<script/i);
    // Keys carry <wbr> break opportunities after their separators; the text itself is escaped.
    expect(html.replaceAll('<wbr>', '')).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
  });

  it('text: colour only when asked, and the same text once the colour is stripped', () => {
    const plain = RENDERERS.text.analysis(sample(), CONTEXT);
    const coloured = RENDERERS.text.analysis(sample(), { ...CONTEXT, color: true });
    expect(plain).not.toContain('\u001b[');
    expect(coloured).toContain('\u001b[1m\u001b[31mNOT READY\u001b[39m\u001b[22m');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping the SGR codes is the point.
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });

  it('--top cuts every table and says how many rows were left out', () => {
    const text = RENDERERS.text.analysis(sample(), { ...CONTEXT, top: 2 });
    expect(text).toContain(`… and ${sample().hotKeys.length - 2} more (--top to show more)`);
  });
});

describe('what the CLI shows of names (escapeControlCharacters, before every human format)', () => {
  const INVISIBLE = [
    '\n',
    '\r',
    '\u202a',
    '\u202e',
    '\u2066',
    '\u2069',
    '\u2028',
    '\u2029',
    '\u200b',
    '\ufeff',
  ];

  it('escapes line breaks, bidi controls and zero-width characters in names; remediation keeps its lines', () => {
    const analysis = sample();
    analysis.hotKeys[0]!.key = `/registry/pods/default/${INVISIBLE.join('x')}evil`;
    const remediation = analysis.findings[0]!.remediation;
    const safe = escapeControlCharacters(analysis);
    expect(safe.hotKeys[0]!.key).toBe(
      '/registry/pods/default/\\x0ax\\x0dx\\u202ax\\u202ex\\u2066x\\u2069x\\u2028x\\u2029x\\u200bx\\ufeffevil',
    );
    expect(safe.findings[0]!.remediation).toBe(remediation);
    for (const format of ['text', 'markdown', 'html'] as const) {
      const report = RENDERERS[format].analysis(safe, CONTEXT);
      for (const char of INVISIBLE.slice(2))
        expect(report.includes(char), `${format}: U+${char.codePointAt(0)!.toString(16)}`).toBe(false);
      expect(report).not.toMatch(/\r/);
    }
  });

  it('a 10 MB key and a 400 KB Lease holder: shortened in the middle with their length, rendered in linear time', () => {
    const analysis = sample();
    const key = `/registry/configmaps/default/${'k'.repeat(10_000_000)}`;
    analysis.hotKeys[0]!.key = key;
    if (analysis.leases[0]) analysis.leases[0].holderIdentity = `node-1_${'h'.repeat(400_000)}`;
    const started = performance.now();
    const safe = escapeControlCharacters(analysis);
    expect(safe.hotKeys[0]!.key).toMatch(
      /^\/registry\/configmaps\/default\/k+ …\[10000029 characters\]… k+$/,
    );
    expect(safe.hotKeys[0]!.key.length).toBe(STRING_LIMIT);
    for (const format of ['text', 'markdown', 'html'] as const) {
      const report = RENDERERS[format].analysis(safe, CONTEXT);
      expect(report.length, format).toBeLessThan(
        RENDERERS[format].analysis(sample(), CONTEXT).length + 64 * 1024,
      );
    }
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('names of a real cluster are never shortened: a key of 700 characters is shown whole', () => {
    const analysis = sample();
    const key = `/registry/crd.example.com/widgets/${'n'.repeat(63)}/${'w'.repeat(253)}${'x'.repeat(350)}`;
    analysis.hotKeys[0]!.key = key;
    expect(escapeControlCharacters(analysis).hotKeys[0]!.key).toBe(key);
  });
});
