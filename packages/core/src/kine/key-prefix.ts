import { parseRegistryKey } from '../k8s/keys.js';

// SQL that splits a kine key into its storage prefix and namespace, the way the apiserver lays keys
// out: `/registry/<prefix>/[<namespace>/]<name>`, where the prefix is the bare plural for built-ins
// (`pods`, `minions`), `services/specs` / `services/endpoints`, and `<group>/<plural>` for CRDs and the
// group-qualified apiservers (`crd.projectcalico.org/ipamhandles`). It stays in SQL so grouping
// 300,000 keys never brings them into JS, and so an operator can paste the same query into sqlite3.
// k8s/keys.ts (parseRegistryKey) is the JS reading of the same layout; a test keeps both in step.

/** Prefix reported for keys outside `/registry/` (kine's own rows are excluded before grouping). */
export const OTHER_PREFIX = '(other)';

// kine's bookkeeping rows, excluded from every per-key figure (same test as kine/revisions.ts).
export const SPECIAL_KEY_SQL = "(name = 'compact_rev_key' OR substr(name, 1, 4) = 'gap-')";

const head = (col: string) =>
  `CASE WHEN instr(${col}, '/') > 0 THEN substr(${col}, 1, instr(${col}, '/') - 1) ELSE ${col} END`;
const tail = (col: string) =>
  `CASE WHEN instr(${col}, '/') > 0 THEN substr(${col}, instr(${col}, '/') + 1) END`;
// Two-segment prefixes: an API group (always dotted for CRDs) or the services split.
const TWO_SEGMENTS = "(instr(seg1, '.') > 0 OR seg1 = 'services')";

/**
 * Wrap a query whose rows have a `name` column into one that adds `prefix` and `namespace`
 * (NULL for cluster-scoped keys). Cheap string work per row, no JS callbacks.
 */
export function withKeyPrefix(source: string): string {
  return `
  key_rest AS (
    SELECT *, CASE WHEN substr(name, 1, 10) = '/registry/' THEN substr(name, 11) END AS rest FROM (${source})
  ),
  key_seg AS (SELECT *, ${head('rest')} AS seg1, ${tail('rest')} AS after1 FROM key_rest),
  key_prefix AS (
    SELECT *,
           CASE WHEN rest IS NULL THEN '${OTHER_PREFIX}'
                WHEN ${TWO_SEGMENTS} AND coalesce(after1, '') <> '' THEN seg1 || '/' || ${head('after1')}
                ELSE seg1 END AS prefix,
           CASE WHEN ${TWO_SEGMENTS} THEN ${tail('after1')} ELSE after1 END AS objectPath
    FROM key_seg
  ),
  keyed AS (
    SELECT *, CASE WHEN instr(objectPath, '/') > 0 THEN substr(objectPath, 1, instr(objectPath, '/') - 1) END
              AS namespace
    FROM key_prefix
  )`;
}

/** API group and resource a storage prefix stands for (`minions` → `` / `nodes`). */
export function resourceOfPrefix(prefix: string): { group: string | null; resource: string } {
  if (prefix === OTHER_PREFIX) return { group: null, resource: OTHER_PREFIX };
  const parsed = parseRegistryKey(`/registry/${prefix}/x`);
  return { group: parsed?.group ?? null, resource: parsed?.resource ?? prefix };
}

/** The storage prefix of one key, computed in JS exactly as withKeyPrefix does in SQL. */
export function prefixOfKey(key: string): string {
  if (!key.startsWith('/registry/')) return OTHER_PREFIX;
  // indexOf/slice rather than split: this runs once per kine row.
  const start = '/registry/'.length;
  const end1 = key.indexOf('/', start);
  if (end1 < 0) return key.slice(start);
  const seg1 = key.slice(start, end1);
  if (seg1.includes('.') || seg1 === 'services') {
    const end2 = key.indexOf('/', end1 + 1);
    const seg2 = end2 < 0 ? key.slice(end1 + 1) : key.slice(end1 + 1, end2);
    if (seg2 !== '') return `${seg1}/${seg2}`;
  }
  return seg1;
}
