import type { Analysis, Finding } from '../analysis-types.js';
import { formatBytes, formatPercent, formatCount as n, plural } from '../format.js';
import { parseRegistryKey } from '../k8s/keys.js';
import { isDns1123Label, isDns1123Subdomain, isValidObjectName } from '../k8s/names.js';
import { isCut } from '../long-strings.js';
import { type Check, kineCopy } from './check.js';
import { distributionOf } from './commands.js';
import {
  CUT_KEY_VERIFY,
  notAValidName,
  pasteable,
  shellQuote,
  sqliteVerify,
  sqlQuote,
  type VerifyCopy,
} from './shell.js';

// A lease renewed every 2 s writes 150 revisions in one 5-minute compaction interval; a key with
// thousands retained is written far faster than anything healthy, or compaction stopped long ago.
/** A key is hot with at least this many retained revisions… */
export const HOT_KEY_MIN_REVISIONS = 1000;
/** …making up at least this share of all retained rows. */
export const HOT_KEY_MIN_SHARE = 0.2;
/** A prefix is hot with at least this many history rows… */
export const HOT_PREFIX_MIN_HISTORY_ROWS = 10_000;
/** …making up at least this share of all history rows. */
export const HOT_PREFIX_MIN_SHARE = 0.5;
/** Critical when one key holds at least this share of all retained rows. */
export const HOT_KEY_CRITICAL_SHARE = 0.5;

/**
 * `kubectl get` arguments for a registry key, when it names one object by a valid name; null when it
 * names none, `invalid` when a part of it is not a name the apiserver accepts.
 */
export function kubectlTarget(key: string): string | null | { invalid: string } {
  const parsed = parseRegistryKey(key);
  if (!parsed?.name || parsed.group === undefined) return null;
  if (parsed.namespace !== undefined && !isDns1123Label(parsed.namespace)) return { invalid: 'namespace' };
  if (!isDns1123Label(parsed.resource) || (parsed.group !== '' && !isDns1123Subdomain(parsed.group)))
    return { invalid: 'resource' };
  // A path-segment name (RBAC) may start with "-", which kubectl would read as an option.
  const name = parsed.name;
  if (!isValidObjectName(parsed.group, parsed.resource, name) || !pasteable(name) || name.startsWith('-'))
    return { invalid: 'name' };
  const resource = parsed.group === '' ? parsed.resource : `${parsed.resource}.${parsed.group}`;
  const namespace = parsed.namespace === undefined ? '' : `-n ${shellQuote(parsed.namespace)} `;
  return `${namespace}get ${shellQuote(resource)} ${shellQuote(name)}`;
}

/** The sqlite3 line that counts a key's rows, or why there is none. */
function keyVerify(copy: VerifyCopy, key: string, revisions: number): string {
  if (!pasteable(key)) return 'verify: none, the key holds characters that cannot be pasted on one line';
  if (isCut(key)) return CUT_KEY_VERIFY;
  return sqliteVerify(copy, `SELECT count(*) FROM kine WHERE name = ${sqlQuote(key)}`, [revisions]);
}

/** 8. One key or resource carries a disproportionate share of the retained history. */
export const writeHotSpotCheck: Check = {
  id: 'write-hot-spot',
  run(analysis: Analysis): Finding[] {
    const kine = analysis.kine;
    if (!kine) return [];
    const keys = analysis.hotKeys.filter(
      (k) => k.revisions >= HOT_KEY_MIN_REVISIONS && k.share >= HOT_KEY_MIN_SHARE,
    );
    const prefixes = analysis.prefixes.filter(
      (p) =>
        kine.historyRows > 0 &&
        p.historyRows >= HOT_PREFIX_MIN_HISTORY_ROWS &&
        p.historyRows / kine.historyRows >= HOT_PREFIX_MIN_SHARE,
    );
    if (keys.length === 0 && prefixes.length === 0) return [];
    const d = distributionOf(analysis);
    const copy = kineCopy(analysis);
    // The share's denominator: every row still in the table but kine's own (gap-*, compact_rev_key).
    const retainedRows = kine.rows - kine.gapRows - kine.compactRevKeyRows;
    const top = keys[0];
    const topPrefix = prefixes[0];
    const title = top
      ? `${top.key} holds ${plural(top.revisions, 'revision')}, ${formatPercent(top.share)} of the ${n(retainedRows)} retained rows`
      : `/registry/${topPrefix!.prefix}/ holds ${formatPercent(topPrefix!.historyRows / kine.historyRows)} of the ` +
        `${plural(kine.historyRows, 'history row')}`;
    return [
      {
        id: 'write-hot-spot',
        severity: keys.some((k) => k.share >= HOT_KEY_CRITICAL_SHARE) ? 'critical' : 'warning',
        title,
        evidence: [
          ...keys.map(
            (k) =>
              `${k.key}: ${plural(k.revisions, 'revision')} (${formatPercent(k.share)} of retained rows), ${formatBytes(k.bytes)}, ` +
              `kine ids ${n(k.oldestRevision)}..${n(k.latestRevision)}${k.deleted ? ', latest row is a tombstone' : ''}; ` +
              keyVerify(copy, k.key, k.revisions),
          ),
          ...prefixes.map(
            (p) =>
              `/registry/${p.prefix}/: ${n(p.historyRows)} of ${plural(kine.historyRows, 'history row')} ` +
              `(${formatPercent(p.historyRows / kine.historyRows)}), ${formatBytes(p.historyBytes)}, ${plural(p.liveKeys, 'live key')}`,
          ),
          ...(keys.length > 0
            ? [
                `retained rows: every row in the table but kine's own ${plural(kine.gapRows, 'gap-* row')} and ` +
                  `${n(kine.compactRevKeyRows)} compact_rev_key; ${sqliteVerify(
                    copy,
                    "SELECT count(*) FROM kine WHERE name <> 'compact_rev_key' AND substr(name, 1, 4) <> 'gap-'",
                    [retainedRows],
                  )}`,
              ]
            : []),
          'compare two snapshots (dqlite-analyze compare) to turn these counts into writes per minute',
        ],
        remediation: [
          '# Find the writer: the managers that update the object, and the writes as they happen:',
          ...keys.flatMap((k) => {
            const target = kubectlTarget(k.key);
            if (!target)
              return [
                `# ${JSON.stringify(k.key)} is not an API object key; look for its writer in the k8s-dqlite debug log`,
              ];
            if (typeof target !== 'string')
              return [notAValidName(`key (its ${target.invalid} is not valid)`, k.key)];
            return [
              `${d.kubectl} ${target} --show-managed-fields -o jsonpath='{range .metadata.managedFields[*]}{.manager}{" "}{.operation}{" "}{.time}{"\\n"}{end}'`,
              `${d.kubectl} ${target} --watch --output-watch-events`,
            ];
          }),
          '# A crash-looping controller or a lease renewing every few milliseconds is the usual cause;',
          '# fix or scale it down, then k8s-dqlite compaction removes the history within minutes.',
        ].join('\n'),
        data: {
          keys: keys.map((k) => k.key),
          revisions: keys.map((k) => k.revisions),
          shares: keys.map((k) => k.share),
          retainedRows,
          prefixes: prefixes.map((p) => p.prefix),
          historyRows: kine.historyRows,
        },
      },
    ];
  },
};
