import type { Analysis, Finding, Severity } from '../analysis-types.js';
import { abandonedWebhookCheck } from './abandoned-webhook.js';
import type { Check } from './check.js';
import { compactionBacklogCheck } from './compaction-backlog.js';
import { boundFinding } from './finding-limits.js';
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
  const findings = checks.flatMap((check) => check.run(analysis)).map(boundFinding);
  return findings
    .map((finding, order) => ({ finding, order }))
    .sort((a, b) => RANK[a.finding.severity] - RANK[b.finding.severity] || a.order - b.order)
    .map(({ finding }) => finding);
}

export type { Check } from './check.js';
