// Every id a finding can carry, in one list: the checks, the upgrade plan, the renderers and the
// README's findings table use these strings, so a `jq 'select(.id == "…")'` written from the docs
// finds what the code emits. Each check lives in packages/core/src/checks/<id>.ts.

/** The finding ids, in the order the checks run. */
export const FINDING_IDS = [
  'fragmentation',
  'snapshot-lock-window',
  'compaction-backlog',
  'leader-election-churn',
  'rbac-gap',
  'abandoned-webhook',
  'leaked-ipam',
  'write-storm',
  'write-hot-spot',
  'kine-bookkeeping',
  'plaintext-secrets',
] as const;

/** The id of a finding (and of the check that raises it). */
export type FindingId = (typeof FINDING_IDS)[number];

/** True when `id` is one of FINDING_IDS (for data read back from JSON). */
export function isFindingId(id: string): id is FindingId {
  return (FINDING_IDS as readonly string[]).includes(id);
}
