// The first screen of every format, --summary, the storage-only report and long remediations.
import {
  ANALYSIS_SCHEMA_VERSION,
  type ComparedSnapshot,
  type Comparison,
  type KeyWrites,
} from '@dqlite-analyzer/core';
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

describe('the top writer', () => {
  it('is on the first screen once the analysis carries the writes between two snapshots (#13)', () => {
    // A whole Comparison, as the core puts it in Analysis.writes for a data directory with two snapshots.
    const snapshot = (index: number, currentRevision: number): ComparedSnapshot => ({
      path: `examples/sample-snapshot/snapshot-1-${index}-1000`,
      dataFile: `examples/sample-snapshot/snapshot-1-${index}-1000`,
      directory: 'examples/sample-snapshot',
      nodeId: '3297041220608546238',
      term: 1,
      index,
      timestampMs: index === 1024 ? 1_000_000 : 4_000_000,
      modifiedAt: '2026-01-01T00:00:00.000Z',
      currentRevision,
      compactRevision: 64,
      nodeAddress: '127.0.0.1:9001',
      configurationIndex: 1,
      servers: [{ id: '3297041220608546238', address: '127.0.0.1:9001', role: 'voter' as const }],
    });
    const writes: Comparison = {
      schemaVersion: ANALYSIS_SCHEMA_VERSION,
      older: snapshot(1024, 11_167),
      newer: snapshot(2048, 11_767),
      lineage: { relation: 'same-node', note: 'one node (directory examples/sample-snapshot)' },
      intervalSeconds: 3000,
      intervalSource: 'snapshot-timestamps',
      intervalNote: 'snapshot file names (one node, one term)',
      revisionsWritten: 600,
      retainedRows: 600,
      bookkeepingRows: 0,
      compactedRevisions: 0,
      revisionsPerMinute: 12,
      compactedBetween: false,
      writes: [
        {
          key: '/registry/leases/kube-system/kube-controller-manager',
          prefix: 'leases',
          resource: 'leases',
          namespace: 'kube-system',
          writer: null,
          revisions: 600,
          bytes: 60_000,
          perMinute: 12,
        } as KeyWrites,
      ],
      writesByPrefix: [],
      eventObjects: [],
    };
    const analysis = { ...sample(), writes, writesUnavailable: null };
    const text = RENDERERS.text.analysis(analysis, { ...CONTEXT, summary: true });
    expect(text.replace(/\s+/g, ' ')).toContain(
      'Top writer /registry/leases/kube-system/kube-controller-manager: 600 revisions, 12.0/min between the two newest snapshots',
    );
    const summary = JSON.parse(RENDERERS.json.analysis(analysis, { ...CONTEXT, summary: true }));
    expect(summary.topWriter).toEqual({
      key: '/registry/leases/kube-system/kube-controller-manager',
      revisions: 600,
      perMinute: 12,
    });
    // Without write figures (one snapshot): no line, null in JSON.
    expect(RENDERERS.text.analysis(sample(), CONTEXT)).not.toContain('Top writer');
  });
});
