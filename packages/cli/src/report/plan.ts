import type { Finding, FindingId } from '@dqlite-analyzer/core';
import type { Plan, PlanStep } from './model.js';

// The order an operator should work through the findings in. It is operational policy, not analysis:
// each step only names findings the core raised, and the commands stay in those findings' remediation.

interface StepRule {
  title: string;
  why: string;
  /** Finding ids this step takes care of; the step is listed only when one of them was raised. */
  ids: readonly FindingId[];
  /** The title from the raised findings' data, when the step names what they found. */
  titleFrom?: (raised: readonly Finding[]) => string;
}

// write-storm's data names the top writer: the step says which key to stop, and who writes it.
function writerTitle(raised: readonly Finding[]): string {
  const storm = raised.find((f) => f.id === 'write-storm');
  if (!storm || typeof storm.data.key !== 'string') return 'Stop the write storm';
  const rate = typeof storm.data.perMinute === 'number' ? `, ${Math.round(storm.data.perMinute)}/min` : '';
  const writer = typeof storm.data.writer === 'string' ? ` (${storm.data.writer})` : '';
  return `Stop the writer of ${storm.data.key}${rate}${writer}`;
}

const STEPS: readonly StepRule[] = [
  {
    title: 'Remove webhooks that reject API requests',
    why:
      'a fail-closed webhook whose Service is gone rejects every matching request, and the controllers ' +
      'that retry them add writes; removing it changes nothing in the database layout',
    ids: ['abandoned-webhook'],
  },
  {
    title: 'Stop the write storm',
    why:
      'history grows as fast as the writer writes; while it runs, compaction and VACUUM are undone within ' +
      'minutes. Fix the controller (missing RBAC verbs make it crash-loop and retry) or the lease churn first',
    ids: ['write-storm', 'rbac-gap', 'write-hot-spot', 'leader-election-churn'],
    titleFrom: writerTitle,
  },
  {
    title: 'Let compaction catch up',
    why:
      'with the writer fixed, the k8s-dqlite leader compacts every 5 minutes; take a new snapshot and run ' +
      'dqlite-analyze again until the history rows have dropped',
    ids: ['compaction-backlog', 'kine-bookkeeping'],
  },
  {
    title: 'Clean up what was left behind',
    why: 'leaked IPAM addresses and plaintext Secret revisions do not go away on their own',
    ids: ['leaked-ipam', 'plaintext-secrets'],
  },
  {
    title: 'Shrink the file once, online',
    why:
      'compaction frees pages but never returns them; one VACUUM through the dqlite shell is replicated by ' +
      'raft to every node, and the next snapshot is small. Do it after the steps above, or it grows back',
    ids: ['fragmentation', 'snapshot-lock-window'],
  },
];

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
  const raised = new Set(findings.map((f) => f.id));
  const steps: PlanStep[] = [BACKUP];
  for (const rule of STEPS) {
    const ids = rule.ids.filter((id) => raised.has(id));
    const title = rule.titleFrom?.(findings) ?? rule.title;
    if (ids.length > 0) steps.push({ title, why: rule.why, findings: ids });
  }
  const known = new Set(STEPS.flatMap((s) => s.ids));
  const other = [...raised].filter((id) => !known.has(id));
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
