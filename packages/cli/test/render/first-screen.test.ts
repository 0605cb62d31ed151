// The first screen of every format, --summary, the storage-only report and long remediations.
import { describe, expect, it } from 'vitest';
import { RENDERERS } from '../../src/formats.js';
import { longestManifest, shortenRemediation } from '../../src/render/remediation.js';
import { CONTEXT, sample } from './fixture.js';

describe('the first screen', () => {
  it('text: --summary prints exactly the report up to its details', () => {
    const full = RENDERERS.text.analysis(sample(), CONTEXT).split('\n');
    const summary = RENDERERS.text
      .analysis(sample(), { ...CONTEXT, summary: true })
      .trimEnd()
      .split('\n');
    expect(summary).toEqual(full.slice(0, summary.length));
    expect(full[summary.length + 1]).toBe('SNAPSHOT');
    expect(summary).toHaveLength(23);
  });

  it('html and markdown: --summary keeps the verdict card or block and every finding, nothing else', () => {
    const html = RENDERERS.html.analysis(sample(), { ...CONTEXT, summary: true });
    expect(html.match(/<li>/g)).toHaveLength(sample().findings.length);
    expect(html).not.toContain('<section id="findings">');
    const md = RENDERERS.markdown.analysis(sample(), { ...CONTEXT, summary: true });
    expect(md.match(/^- \S+ \*\*(critical|warning|info)\*\* `/gm)).toHaveLength(sample().findings.length);
    expect(md).not.toMatch(/^## /m);
  });

  it('--storage-only: no kine table, so no upgrade verdict and no upgrade plan', () => {
    const analysis = sample();
    analysis.kine = null;
    analysis.findings = analysis.findings.filter((f) => f.id === 'fragmentation');
    const text = RENDERERS.text.analysis(analysis, CONTEXT);
    expect(text).toMatch(/^STORAGE ONLY — /);
    expect(text.replace(/\s+/g, ' ')).toContain('no cluster to upgrade and no upgrade verdict');
    expect(text).not.toMatch(/READY|UPGRADE PLAN/);
    expect(RENDERERS.markdown.analysis(analysis, CONTEXT)).not.toContain('Upgrade plan');
    const summary = JSON.parse(RENDERERS.json.analysis(analysis, { ...CONTEXT, summary: true }));
    expect(summary.verdict.level).toBe('storage-only');
    expect(summary.storage.liveBytes).toBeNull();
  });
});

describe('long remediations', () => {
  const rbac = () => sample().findings.find((f) => f.id === 'rbac-gap')!.remediation;

  it('text: the corrected ClusterRole is one comment saying where it is; the commands around it stay', () => {
    const short = shortenRemediation(rbac());
    expect(longestManifest(rbac())).toBeGreaterThan(12);
    expect(short).not.toContain('kind: ClusterRole');
    expect(short).toContain('#  (not shown: `microk8s kubectl apply -f -` with a ');
    const kept = rbac()
      .split('\n')
      .filter((line) => line.startsWith('microk8s kubectl') && !line.includes('<<'));
    for (const line of kept) expect(short.split('\n')).toContain(line);
    const text = RENDERERS.text.analysis(sample(), CONTEXT);
    expect(text).not.toContain('kind: ClusterRole');
    const full = RENDERERS.text.analysis(sample(), { ...CONTEXT, fullRemediation: true });
    expect(full).toContain('kind: ClusterRole');
  });

  it('short remediations are left alone; markdown keeps every manifest; HTML folds the long one', () => {
    const short = "cat <<'EOF'\na: 1\nEOF";
    expect(shortenRemediation(short)).toBe(short);
    expect(RENDERERS.markdown.analysis(sample(), CONTEXT)).toContain('kind: ClusterRole');
    const html = RENDERERS.html.analysis(sample(), CONTEXT);
    expect(html.match(/<details>/g)).toHaveLength(1);
    expect(html).toMatch(
      /<details><summary>\d+ lines, with a \d+-line manifest<\/summary><pre><code>[^<]*kind: ClusterRole/,
    );
  });
});
