// Keys and names come from the snapshot: whatever they hold, no format may break or run code.

import { parseMarkdown } from '@dqlite-analyzer/test-support/markdown';
import { describe, expect, it } from 'vitest';
import { RENDERERS } from '../../src/formats.js';
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
