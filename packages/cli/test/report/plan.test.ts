import type { Finding, FindingId, FindingValue, Severity } from '@dqlite-analyzer/core';
import { describe, expect, it } from 'vitest';
import { buildPlan, UNPLANNED } from '../../src/report/plan.js';
import { buildVerdict } from '../../src/report/verdict.js';

const finding = (
  id: FindingId,
  severity: Severity = 'critical',
  data: Record<string, FindingValue> = {},
): Finding => ({ id, severity, title: id, evidence: [], remediation: '', data });

describe('upgrade plan', () => {
  it('backs up first, upgrades last, and always says what a rolling restart and offline VACUUM do', () => {
    const plan = buildPlan([]);
    expect(plan.steps.map((s) => s.title)).toEqual(['Back up every node', 'Upgrade one node at a time']);
    expect(plan.cautions.join(' ')).toMatch(
      /rolling restart does not shrink the snapshot.*re-syncs the leader/,
    );
    expect(plan.cautions.join(' ')).toMatch(/VACUUM.*offline.*no quorum/);
  });

  it('has a step for every finding id', () => {
    expect(UNPLANNED).toEqual([]);
  });

  it('fixes the webhooks and the RBAC, stops the write storm before compaction, and shrinks the file last', () => {
    const plan = buildPlan(
      (
        ['fragmentation', 'compaction-backlog', 'write-hot-spot', 'rbac-gap', 'abandoned-webhook'] as const
      ).map((id) => finding(id)),
    );
    expect(plan.steps.map((s) => [s.title, s.findings])).toEqual([
      ['Back up every node', []],
      ['Remove webhooks that call a Service that is gone', ['abandoned-webhook']],
      ['Give the controller the permissions it lacks', ['rbac-gap']],
      ['Find the writer of the hottest key', ['write-hot-spot']],
      ['Let compaction catch up', ['compaction-backlog']],
      ['Shrink the file once, online', ['fragmentation']],
      ['Upgrade one node at a time', []],
    ]);
  });

  it('does not promise that compaction removes the rows it has passed', () => {
    const step = (data: Record<string, FindingValue>) =>
      buildPlan([
        finding('compaction-backlog', 'critical', { historyRows: 12_000, historyBytes: 5e6, ...data }),
      ]).steps[1]!.why;
    expect(step({ historyRowsPassed: 11_500 })).toBe(
      '12,000 superseded revisions (4.8 MiB) wait for compaction; 11,500 of them compaction has passed without ' +
        'removing them: it does not come back for those, so waiting removes only the rest (the compaction-backlog ' +
        'finding); the k8s-dqlite leader compacts every 5 minutes; take a new snapshot and run dqlite-analyze ' +
        'again until the figures have dropped to the rows it has passed',
    );
    for (const data of [{ historyRowsPassed: 0 }, {}] as Record<string, FindingValue>[])
      expect(step(data)).toBe(
        '12,000 superseded revisions (4.8 MiB) wait for compaction; the k8s-dqlite leader compacts every 5 ' +
          'minutes; take a new snapshot and run dqlite-analyze again until the figures have dropped',
      );
  });

  it('says "fail-closed … rejects" only for webhooks whose failurePolicy is Fail', () => {
    const ignore = buildPlan([
      finding('abandoned-webhook', 'warning', {
        orphanedWebhooks: 1,
        failClosed: 0,
        configurations: ['hook'],
      }),
    ]).steps[1]!;
    expect(ignore.title).toBe('Remove webhooks that call a Service that is gone');
    expect(ignore.why).toBe(
      '1 webhook with failurePolicy Ignore of hook makes every matching request wait for the timeout first; ' +
        'removing it changes nothing in the database layout',
    );
    expect(ignore.why).not.toMatch(/fail-closed|reject/);
    const fail = buildPlan([
      finding('abandoned-webhook', 'critical', {
        orphanedWebhooks: 3,
        failClosed: 2,
        configurations: ['a', 'b'],
      }),
    ]).steps[1]!;
    expect(fail.title).toBe('Remove webhooks that reject API requests');
    expect(fail.why).toMatch(
      /^2 fail-closed webhooks \(failurePolicy Fail\) of a, b call a Service that is gone.*; 1 webhook with failurePolicy Ignore make/,
    );
  });

  it('names as fail-closed only the configurations whose orphaned webhooks fail closed', () => {
    const step = buildPlan([
      finding('abandoned-webhook', 'critical', {
        orphanedWebhooks: 2,
        failClosed: 1,
        configurations: ['evil', 'ok-name'],
        failClosedConfigurations: ['evil'],
      }),
    ]).steps[1]!;
    expect(step.why).toMatch(/^1 fail-closed webhook \(failurePolicy Fail\) of evil calls a Service/);
  });

  it('prints no step, and no words, for a finding that was not raised', () => {
    const plan = buildPlan([
      finding('leader-election-churn', 'critical', {
        leases: ['kube-system/kube-scheduler'],
        maxLeaseTransitions: 4499,
      }),
      finding('leaked-ipam', 'warning', { leakedAllocations: 838, leakedHandles: 0 }),
    ]);
    const text = plan.steps.map((s) => `${s.title}: ${s.why}`).join('\n');
    expect(text).not.toMatch(/write storm|plaintext|Secret|webhook|VACUUM/);
    expect(text).toContain('Lease kube-system/kube-scheduler changed holder 4,499 times');
    expect(text).toContain(
      '838 Calico IPAM addresses held for pods that are gone; it does not go away on its own',
    );
  });

  it('says of the leaked IPAM handles only what the finding says: handles with no address name no pod', () => {
    const data = {
      leakedAllocations: 30,
      leakedHandles: 35,
      handlesWithPodMissing: 30,
      handlesWithoutAllocation: 5,
    };
    const step = buildPlan([finding('leaked-ipam', 'warning', data)]).steps[1]!;
    expect(step.findings).toEqual(['leaked-ipam']);
    // Whatever count the step ties to "pods that are gone" is one the finding ties to them.
    const tied = [
      ...step.why.matchAll(
        /([\d,]+) [\w ]*?(?:addresses|handles?)(?: and [\d,]+ [\w ]*?handles?)? held for pods that are gone/g,
      ),
    ];
    expect(tied.length).toBeGreaterThan(0);
    for (const m of tied) {
      for (const count of m[0].match(/[\d,]+/g)!) {
        expect([data.leakedAllocations, data.handlesWithPodMissing].map(String)).toContain(count);
      }
    }
    expect(step.why).toContain(`${data.leakedHandles} leaked`);
  });

  it('says a controller granted nothing lacks every permission, and binds the role only when unbound', () => {
    const why = (data: Record<string, FindingValue>) =>
      buildPlan([finding('rbac-gap', 'critical', { missingVerbs: 0, grantedNothing: true, ...data })])
        .steps[1]!.why;
    expect(why({ roleBound: false })).toMatch(/granted nothing.*ClusterRole and its ClusterRoleBinding/);
    expect(why({ roleBound: true })).toMatch(/granted nothing.*the ClusterRole is in the remediation/);
    for (const roleBound of [true, false]) expect(why({ roleBound })).not.toMatch(/missing 0/);
  });

  it('offers to remove only the gap rows at or below the compact revision', () => {
    const why = (gapRowsCompacted: number) =>
      buildPlan([finding('kine-bookkeeping', 'warning', { gapRows: 1200, gapRowsCompacted })]).steps[1]!.why;
    expect(why(0)).not.toMatch(/to remove/);
    expect(why(0)).toMatch(/^1,200 gap-\* rows, all above the compact revision/);
    // A finding from an analyzer before gapRowsCompacted: no claim either way.
    const old = buildPlan([finding('kine-bookkeeping', 'warning', { gapRows: 1200 })]).steps[1]!.why;
    expect(old).toMatch(/^1,200 gap-\* rows \(see the kine-bookkeeping finding\);/);
    expect(why(200)).toMatch(/^200 gap-\* rows at or below the compact revision to remove, 1,000 more once/);
  });

  it('calls retained revisions no storm: without two snapshots nothing says the writer still writes', () => {
    const hot = finding('write-hot-spot', 'critical', {
      keys: ['/registry/leases/kube-system/kube-controller-manager'],
      revisions: [10_501],
      shares: [0.994],
      retainedRows: 10_563,
    });
    const step = buildPlan([hot]).steps[1]!;
    expect(step.findings).toEqual(['write-hot-spot']);
    expect(`${step.title}: ${step.why}`).not.toMatch(/storm/);
    expect(step.title).toBe('Find the writer of /registry/leases/kube-system/kube-controller-manager');
    expect(step.why).toMatch(/dqlite-analyze compare/);
  });

  it('does not say the IPAM leak stays when the finding says the RBAC fix lets Calico free it', () => {
    const ipam = finding('leaked-ipam', 'warning', {
      leakedAllocations: 30,
      leakedHandles: 35,
      waitsForRbac: true,
    });
    const secrets = finding('plaintext-secrets', 'warning', { plaintextHistoryRows: 1 });
    const step = (fs: Finding[]) => buildPlan(fs).steps.find((s) => s.findings.includes('leaked-ipam'))!;
    expect(step([ipam, secrets]).why).not.toMatch(/neither goes away/);
    expect(step([ipam, secrets]).why).toMatch(/rbac-gap/);
    expect(step([ipam, secrets]).why).toMatch(/the Secret rows do not go away on their own/);
    expect(step([ipam]).why).not.toMatch(/does not go away/);
    const stays = finding('leaked-ipam', 'warning', {
      leakedAllocations: 30,
      leakedHandles: 30,
      waitsForRbac: false,
    });
    expect(step([stays]).why).toMatch(/it does not go away on its own/);
  });

  it('names the writer to stop from the write-storm finding', () => {
    const storm: Finding = {
      ...finding('write-storm', 'warning'),
      data: {
        key: '/registry/leases/kube-system/calico-kube-controllers',
        revisions: 600,
        perMinute: 4051.2,
        threshold: 60,
        writer: 'the holder of Lease kube-system/calico-kube-controllers (leader election)',
      },
    };
    const step = buildPlan([storm, finding('rbac-gap')]).steps[1]!;
    expect(step).toMatchObject({
      title: 'Stop the writer of /registry/leases/kube-system/calico-kube-controllers',
      findings: ['write-storm'],
    });
    expect(step.why).toMatch(
      /^600 revisions between the two snapshots, 4,051\/min against a threshold of 60\/min; written by the holder of Lease kube-system\/calico-kube-controllers \(leader election\); /,
    );
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
