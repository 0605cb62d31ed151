import type { Finding, FindingValue } from '@dqlite-analyzer/core';
import {
  FINDING_IDS,
  type FindingId,
  formatBytes,
  formatCount,
  formatPercent,
  plural,
} from '@dqlite-analyzer/core/report-values';
import type { Plan, PlanStep } from './model.js';

// The order an operator should work through the findings in. It is operational policy, not analysis:
// a step is printed only when one of its findings was raised, its words come from those findings'
// data (so it never claims what the findings do not say), and the commands stay in their remediation.

/** The raised findings of a step's ids, by id. */
type Raised = Partial<Record<FindingId, Finding>>;

interface StepRule {
  /** Finding ids this step takes care of; the step is listed only when one of them was raised. */
  ids: readonly FindingId[];
  /** Title and reason from the raised findings (at least one of `ids` is in `raised`). */
  build(raised: Raised): { title: string; why: string };
}

const num = (f: Finding | undefined, key: string): number => {
  const v: FindingValue | undefined = f?.data[key];
  return typeof v === 'number' ? v : 0;
};
const strings = (f: Finding | undefined, key: string): string[] => {
  const v = f?.data[key];
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
};
const numbers = (f: Finding | undefined, key: string): number[] => {
  const v = f?.data[key];
  return Array.isArray(v) ? v.filter((n): n is number => typeof n === 'number') : [];
};
const sentence = (parts: readonly string[]) => parts.filter(Boolean).join('; ');

// Only the addresses are all of gone pods: a leaked handle may be one no allocation refers to, which
// names no pod (the leaked-ipam finding counts the two apart).
const leftIpam = (f: Finding): string => {
  const addresses = num(f, 'leakedAllocations');
  const handles = num(f, 'leakedHandles');
  return [
    addresses > 0
      ? `${plural(addresses, 'Calico IPAM address', 'Calico IPAM addresses')} held for pods that are gone`
      : '',
    handles > 0 ? `${plural(handles, 'leaked Calico IPAM handle')}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
};

// Only gap rows at or below the compact revision can be deleted (kine-bookkeeping's remediation).
const gapRowsLeft = (f: Finding): string => {
  const all = num(f, 'gapRows');
  const compacted = num(f, 'gapRowsCompacted');
  // JSON of an analyzer before the count: nothing said of which can go.
  if (typeof f.data.gapRowsCompacted !== 'number')
    return `${plural(all, 'gap-* row')} (see the kine-bookkeeping finding)`;
  if (compacted === 0)
    return `${plural(all, 'gap-* row')}, all above the compact revision: compaction has to pass them first`;
  return (
    `${plural(compacted, 'gap-* row')} at or below the compact revision to remove` +
    (all > compacted ? `, ${formatCount(all - compacted)} more once compaction passes them` : '')
  );
};

// A superseded row goes at the pass that reaches the revision superseding it (compaction-backlog's
// evidence): rows below the compact revision stay, however long compaction runs.
const passedLeft = (passed: number): string =>
  `${formatCount(passed)} of them compaction has passed without removing them: it does not come back for those, so waiting removes only the rest (the compaction-backlog finding)`;

const STEPS: readonly StepRule[] = [
  {
    ids: ['abandoned-webhook'],
    build: ({ 'abandoned-webhook': f }) => {
      const failClosed = num(f, 'failClosed');
      const all = num(f, 'orphanedWebhooks');
      const open = all - failClosed;
      const names = strings(f, 'configurations').join(', ');
      // Only the configurations holding a fail-closed orphan are the ones that reject requests.
      const closedNames = Array.isArray(f?.data.failClosedConfigurations)
        ? ` of ${strings(f, 'failClosedConfigurations').join(', ')}`
        : f?.data.failClosedConfigurations === null
          ? ''
          : ` of ${names}`;
      return {
        title:
          failClosed > 0
            ? 'Remove webhooks that reject API requests'
            : 'Remove webhooks that call a Service that is gone',
        why: sentence([
          failClosed > 0
            ? `${plural(failClosed, 'fail-closed webhook')} (failurePolicy Fail)${closedNames} call${failClosed === 1 ? 's' : ''} a Service ` +
              'that is gone, so every matching request is rejected and the controllers that retry add writes'
            : '',
          open > 0
            ? `${plural(open, 'webhook')} with failurePolicy Ignore ${failClosed > 0 ? '' : `of ${names} `}make${open === 1 ? 's' : ''} ` +
              'every matching request wait for the timeout first'
            : '',
          `removing ${all === 1 ? 'it' : 'them'} changes nothing in the database layout`,
        ]),
      };
    },
  },
  {
    ids: ['write-storm'],
    build: ({ 'write-storm': f }) => {
      const key = String(f?.data.key ?? 'the hottest key');
      const writer = typeof f?.data.writer === 'string' ? f.data.writer : undefined;
      return {
        title: `Stop the writer of ${key}`,
        why: sentence([
          `${plural(num(f, 'revisions'), 'revision')} between the two snapshots, ${formatCount(Math.round(num(f, 'perMinute')))}/min ` +
            `against a threshold of ${formatCount(num(f, 'threshold'))}/min`,
          writer ? `written by ${writer}` : '',
          'history grows as fast as the writer writes, and while it runs compaction and VACUUM are undone within minutes',
        ]),
      };
    },
  },
  {
    ids: ['rbac-gap'],
    build: ({ 'rbac-gap': f }) => ({
      title: `Give ${String(f?.data.controller ?? 'the controller')} the permissions it lacks`,
      // Granted nothing (no binding, or only bindings to missing roles), it misses every permission,
      // not the "0" its missingVerbs count says; the remediation then binds the role as well.
      why:
        f?.data.grantedNothing === true
          ? `it is granted nothing (see the rbac-gap finding), so every request it makes is refused and retried; ` +
            (f.data.roleBound === false
              ? 'the ClusterRole and its ClusterRoleBinding are in the remediation'
              : 'the ClusterRole is in the remediation')
          : `it is missing ${plural(num(f, 'missingVerbs'), 'permission')} (see the rbac-gap finding), so it fails ` +
            'quietly and retries; the corrected ClusterRole is in the remediation',
    }),
  },
  {
    ids: ['write-hot-spot'],
    build: ({ 'write-hot-spot': f }) => {
      const keys = strings(f, 'keys');
      const revisions = numbers(f, 'revisions');
      const shares = numbers(f, 'shares');
      const prefixes = strings(f, 'prefixes');
      // Retained revisions, not a rate: whether the writer still writes, only two snapshots tell
      // (the write-storm step says so when they do).
      return {
        title: keys[0]
          ? `Find the writer of ${keys[0]}`
          : prefixes[0]
            ? `Find the writers under /registry/${prefixes[0]}/`
            : 'Find the writer of the hottest key',
        why: sentence([
          keys[0]
            ? `${keys[0]} holds ${plural(revisions[0] ?? 0, 'revision')} (${formatPercent(shares[0] ?? 0)} of the ` +
              `${formatCount(num(f, 'retainedRows'))} retained rows)`
            : `/registry/${prefixes[0]}/ holds most of the ${plural(num(f, 'historyRows'), 'history row')}`,
          'how fast it is written now, two snapshots tell (dqlite-analyze compare); while a writer runs, history ' +
            'grows as fast as it writes and compaction and VACUUM are undone within minutes: find and fix it first',
        ]),
      };
    },
  },
  {
    ids: ['leader-election-churn'],
    build: ({ 'leader-election-churn': f }) => {
      const leases = strings(f, 'leases');
      return {
        title: 'Give leader election more slack',
        why:
          `Lease ${leases[0]} changed holder ${plural(num(f, 'maxLeaseTransitions'), 'time')}` +
          `${leases.length > 1 ? ` (and ${plural(leases.length - 1, 'more lease')})` : ''}; each handover is ` +
          'a restart of controllers and more writes',
      };
    },
  },
  {
    ids: ['compaction-backlog', 'kine-bookkeeping'],
    build: ({ 'compaction-backlog': backlog, 'kine-bookkeeping': books }) => {
      const passed = num(backlog, 'historyRowsPassed');
      return {
        title: 'Let compaction catch up',
        why: sentence([
          backlog
            ? `${plural(num(backlog, 'historyRows'), 'superseded revision')} (${formatBytes(num(backlog, 'historyBytes'))}) wait for compaction`
            : '',
          passed > 0 ? passedLeft(passed) : '',
          books && num(books, 'gapRows') > 0 ? gapRowsLeft(books) : '',
          books && num(books, 'compactRevKeyRows') > 1
            ? `${formatCount(num(books, 'compactRevKeyRows'))} compact_rev_key rows (a restart of k8s-dqlite cleans them up)`
            : '',
          'the k8s-dqlite leader compacts every 5 minutes; take a new snapshot and run dqlite-analyze again until ' +
            `the figures have dropped${passed > 0 ? ' to the rows it has passed' : ''}`,
        ]),
      };
    },
  },
  {
    ids: ['leaked-ipam', 'plaintext-secrets'],
    build: ({ 'leaked-ipam': ipam, 'plaintext-secrets': secrets }) => ({
      title: 'Clean up what was left behind',
      why: sentence([
        ipam ? leftIpam(ipam) : '',
        secrets
          ? `${plural(num(secrets, 'plaintextHistoryRows'), 'stored row')} of encrypted Secrets still holding plaintext`
          : '',
        // The leaked-ipam finding says when the controllers' garbage collection waits for the rbac-gap fix.
        ipam?.data.waitsForRbac === true
          ? 'calico-kube-controllers can release the addresses itself once it has its permissions (the rbac-gap ' +
            `step), the remediation what is left${secrets ? '; the Secret rows do not go away on their own' : ''}`
          : ipam && secrets
            ? 'neither goes away on its own'
            : 'it does not go away on its own',
      ]),
    }),
  },
  {
    ids: ['fragmentation', 'snapshot-lock-window'],
    build: ({ fragmentation: frag, 'snapshot-lock-window': lock }) => ({
      title: 'Shrink the file once, online',
      why: sentence([
        frag
          ? `${formatPercent(num(frag, 'freePageShare'))} of the ${formatBytes(num(frag, 'fileBytes'))} file is free pages`
          : '',
        lock
          ? `each snapshot is estimated to keep the node busy for ${num(lock, 'estimatedSeconds').toFixed(2)} s against ` +
            `kine's ~${num(lock, 'budgetSeconds')} s retry budget`
          : '',
        'compaction frees pages but never returns them; one VACUUM through the dqlite shell is replicated by ' +
          'raft to every node, and the next snapshot is small. Do it after the steps above, or it grows back',
      ]),
    }),
  },
];

// Every finding id has its step; plan.test.ts fails while UNPLANNED is not empty.
const COVERED = new Set<FindingId>(STEPS.flatMap((s) => s.ids));
export const UNPLANNED: readonly FindingId[] = FINDING_IDS.filter((id) => !COVERED.has(id));

const BACKUP: PlanStep = {
  title: 'Back up every node',
  why: 'copy the data directory of each node (stopped or not) before changing anything, so any step can be undone',
  findings: [],
};

const UPGRADE: PlanStep = {
  title: 'Upgrade one node at a time',
  why:
    'wait for each node to rejoin and catch up (microk8s status, or .cluster in the dqlite shell) before ' +
    'the next, so a majority of voters stays up; analyse a fresh snapshot afterwards',
  findings: [],
};

/** Said in every plan: the two shortcuts operators reach for, and why they do not work. */
export const CAUTIONS: readonly string[] = [
  'A rolling restart does not shrink the snapshot: each restarted node re-syncs the leader’s snapshot, ' +
    'free pages and history included.',
  'Do not stop all nodes to VACUUM their files offline at the same time: while they are down the cluster ' +
    'has no quorum, and files changed behind raft’s back no longer match its log, so the nodes can refuse ' +
    'to start or diverge. Shrink through the dqlite shell of the running cluster instead.',
];

/** The ordered steps for this cluster, from its findings; backup first and upgrade last, always. */
export function buildPlan(findings: readonly Finding[]): Plan {
  const byId: Raised = {};
  for (const f of findings) byId[f.id] ??= f;
  const steps: PlanStep[] = [BACKUP];
  for (const rule of STEPS) {
    const ids = rule.ids.filter((id) => byId[id] !== undefined);
    if (ids.length === 0) continue;
    steps.push({ ...rule.build(byId), findings: ids });
  }
  // Ids from a newer analyzer's JSON have no rule yet.
  const other = [...new Set(findings.map((f) => f.id))].filter((id) => !COVERED.has(id));
  if (other.length > 0) {
    steps.push({
      title: 'Resolve the remaining findings',
      why: 'their remediation says how; none of them depends on the steps above',
      findings: other,
    });
  }
  steps.push(UPGRADE);
  return { steps, cautions: [...CAUTIONS] };
}
