import type { Finding, FindingId, Severity } from '@dqlite-analyzer/core';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/report/plan.js';
import { buildVerdict } from '../../src/report/verdict.js';

const finding = (id: FindingId, severity: Severity = 'critical'): Finding => ({
  id,
  severity,
  title: id,
  evidence: [],
  remediation: '',
  data: {},
});

describe('upgrade plan', () => {
  it('backs up first, upgrades last, and always says what a rolling restart and offline VACUUM do', () => {
    const plan = buildPlan([]);
    expect(plan.steps.map((s) => s.title)).toEqual(['Back up every node', 'Upgrade one node at a time']);
    expect(plan.cautions.join(' ')).toMatch(
      /rolling restart does not shrink the snapshot.*re-syncs the leader/,
    );
    expect(plan.cautions.join(' ')).toMatch(/VACUUM.*offline.*no quorum/);
  });

  it('stops the write storm before compaction, and shrinks the file only after both', () => {
    const plan = buildPlan(
      (
        ['fragmentation', 'compaction-backlog', 'write-hot-spot', 'rbac-gap', 'abandoned-webhook'] as const
      ).map((id) => finding(id)),
    );
    expect(plan.steps.map((s) => [s.title, s.findings])).toEqual([
      ['Back up every node', []],
      ['Remove webhooks that reject API requests', ['abandoned-webhook']],
      ['Stop the write storm', ['rbac-gap', 'write-hot-spot']],
      ['Let compaction catch up', ['compaction-backlog']],
      ['Shrink the file once, online', ['fragmentation']],
      ['Upgrade one node at a time', []],
    ]);
  });

  it('names the writer to stop from the write-storm finding', () => {
    const storm: Finding = {
      ...finding('write-storm', 'warning'),
      data: {
        key: '/registry/leases/kube-system/calico-kube-controllers',
        perMinute: 4051.2,
        writer: 'the holder of Lease kube-system/calico-kube-controllers (leader election)',
      },
    };
    const step = buildPlan([storm, finding('rbac-gap')]).steps[1]!;
    expect(step).toMatchObject({
      title:
        'Stop the writer of /registry/leases/kube-system/calico-kube-controllers, 4051/min ' +
        '(the holder of Lease kube-system/calico-kube-controllers (leader election))',
      findings: ['write-storm', 'rbac-gap'],
    });
  });

  it('keeps a finding it has no rule for in a step of its own', () => {
    const titles = buildPlan([finding('something-new' as FindingId, 'info')]).steps.map((s) => s.title);
    expect(titles).toContain('Resolve the remaining findings');
    expect(titles.at(-1)).toBe('Upgrade one node at a time');
  });
});

describe('verdict', () => {
  it('is not ready on any critical, ready with warnings on any warning, ready otherwise', () => {
    expect(buildVerdict([finding('fragmentation', 'warning'), finding('rbac-gap')], false).label).toBe(
      'NOT READY',
    );
    expect(
      buildVerdict([finding('fragmentation', 'warning'), finding('kine-bookkeeping', 'info')], false),
    ).toMatchObject({
      level: 'ready-with-warnings',
      summary: expect.stringMatching(/^1 warning, 1 info: /),
    });
    expect(buildVerdict([finding('kine-bookkeeping', 'info')], false).level).toBe('ready');
    expect(buildVerdict([], true).summary).toMatch(/^No findings: .*could not be read/);
  });
});
