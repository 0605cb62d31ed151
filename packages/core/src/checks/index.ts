import type { Analysis, Finding, Severity } from '../analysis-types.js';
import { abandonedWebhookCheck } from './abandoned-webhook.js';
import type { Check } from './check.js';
import { compactionBacklogCheck } from './compaction-backlog.js';
import { fragmentationCheck } from './fragmentation.js';
import { kineBookkeepingCheck } from './kine-bookkeeping.js';
import { leaderElectionChurnCheck } from './leader-election-churn.js';
import { leakedIpamCheck } from './leaked-ipam.js';
import { plaintextSecretsCheck } from './plaintext-secrets.js';
import { rbacGapCheck } from './rbac-gap.js';
import { snapshotLockWindowCheck } from './snapshot-lock-window.js';
import { writeHotSpotCheck } from './write-hot-spot.js';
import { writeStormCheck } from './write-storm.js';

/** Every check, in report order. Adding one means adding it here: nothing registers itself. */
export const CHECKS: readonly Check[] = [
  fragmentationCheck,
  snapshotLockWindowCheck,
  compactionBacklogCheck,
  leaderElectionChurnCheck,
  rbacGapCheck,
  abandonedWebhookCheck,
  leakedIpamCheck,
  writeStormCheck,
  writeHotSpotCheck,
  kineBookkeepingCheck,
  plaintextSecretsCheck,
];

const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Run the checks on an analysis; findings most severe first, then in CHECKS order. */
export function runChecks(analysis: Analysis, checks: readonly Check[] = CHECKS): Finding[] {
  const findings = checks.flatMap((check) => check.run(analysis)).map(boundLists);
  return findings
    .map((finding, order) => ({ finding, order }))
    .sort((a, b) => RANK[a.finding.severity] - RANK[b.finding.severity] || a.order - b.order)
    .map(({ finding }) => finding);
}

/**
 * Evidence lines kept per finding, and entries per list in its data: a finding is read by a person
 * and scraped by the agent, so a crafted snapshot (a webhook configuration with thousands of
 * webhooks, thousands of configurations) must not make it grow without bound. The figures in the
 * title and data always count everything; the lists show the first ones (docs/security.md).
 */
export const LIST_LIMIT = 50;

function boundLists(finding: Finding): Finding {
  const evidence =
    finding.evidence.length <= LIST_LIMIT
      ? finding.evidence
      : [
          ...finding.evidence.slice(0, LIST_LIMIT),
          `… and ${finding.evidence.length - LIST_LIMIT} more evidence lines (the first ${LIST_LIMIT} are shown)`,
        ];
  const data: Finding['data'] = {};
  for (const [key, value] of Object.entries(finding.data)) {
    data[key] = Array.isArray(value) && value.length > LIST_LIMIT ? value.slice(0, LIST_LIMIT) : value;
    if (Array.isArray(value) && value.length > LIST_LIMIT) data[`${key}Total`] = value.length;
  }
  return { ...finding, evidence, data };
}

export type { Check } from './check.js';
