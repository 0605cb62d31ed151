import type { Analysis, Finding } from '../analysis-types.js';
import { formatBytes, formatCount as n, plural } from '../format.js';
import { type Check, kineCopy } from './check.js';
import { distributionOf } from './commands.js';
import { sqliteVerify } from './shell.js';

const ENC = "CAST('k8s:enc:' AS BLOB)";
const plain = (col: string) => `length(${col}) > 0 AND substr(CAST(${col} AS BLOB), 1, 8) <> ${ENC}`;
// plaintextHistoryRows in plain SQL: rows up to each Secret's newest encrypted one that hold plaintext.
const VERIFY_SQL =
  "WITH e AS (SELECT name, max(id) AS last FROM kine WHERE name >= '/registry/secrets/' AND name < '/registry/secrets0' " +
  `AND substr(CAST(value AS BLOB), 1, 8) = ${ENC} GROUP BY name) ` +
  `SELECT count(*) FROM kine AS k JOIN e ON e.name = k.name WHERE k.id <= e.last AND (${plain('k.value')} OR ${plain('k.old_value')})`;

/** 10. Rows of Secrets encrypted at rest that still hold plaintext (an older revision, or an old_value). */
export const plaintextSecretsCheck: Check = {
  id: 'plaintext-secrets',
  run(analysis: Analysis): Finding[] {
    const secrets = analysis.objects?.secrets;
    if (!secrets || secrets.plaintextHistoryRows === 0) return [];
    const d = distributionOf(analysis);
    return [
      {
        id: 'plaintext-secrets',
        severity: 'warning',
        // Not "in history": the row is often the Secret's latest, encrypted in value with the
        // plaintext in old_value, which compaction never removes (canonical/microk8s#2532).
        title:
          `${plural(secrets.plaintextHistoryRows, 'stored row')} of ${plural(secrets.plaintextHistoryKeys, 'encrypted Secret')} ` +
          `still ${secrets.plaintextHistoryRows === 1 ? 'holds' : 'hold'} plaintext in value or old_value`,
        evidence: [
          `${plural(secrets.keysWithEncryption, 'Secret')} ${secrets.keysWithEncryption === 1 ? 'has' : 'have'} at least one revision encrypted at rest (value starts with k8s:enc:)`,
          `${plural(secrets.plaintextHistoryRows, 'row')} of ${n(secrets.plaintextHistoryKeys)} of those Secrets, at or before their newest ` +
            `encrypted revision, ${secrets.plaintextHistoryRows === 1 ? 'holds' : 'hold'} plaintext in value or old_value: ` +
            `${formatBytes(secrets.plaintextHistoryBytes)} (counted, never decoded)`,
          `latest revisions: ${n(secrets.liveEncrypted)} encrypted, ${n(secrets.livePlaintext)} not encrypted, of ${plural(secrets.liveKeys, 'Secret')}`,
          'old_value keeps the previous value after each update, so the first encrypted write still carries the plaintext (canonical/microk8s#2532)',
          `plaintext rows: ${sqliteVerify(kineCopy(analysis), VERIFY_SQL, [secrets.plaintextHistoryRows])}`,
        ],
        remediation: [
          '# Rewrite every Secret twice: the first rewrite encrypts the value, the second pushes the',
          '# plaintext out of old_value (canonical/microk8s#2532):',
          `${d.kubectl} get secrets --all-namespaces -o json | ${d.kubectl} replace -f -`,
          `${d.kubectl} get secrets --all-namespaces -o json | ${d.kubectl} replace -f -`,
          '# k8s-dqlite compacts superseded rows every 5 minutes (keeping the newest 100 revisions);',
          '# analyse a new snapshot after that to confirm the count is 0. Free pages and older snapshot',
          '# files can still hold the old bytes until VACUUM and newer snapshots replace them.',
        ].join('\n'),
        data: {
          plaintextHistoryRows: secrets.plaintextHistoryRows,
          plaintextHistoryKeys: secrets.plaintextHistoryKeys,
          plaintextHistoryBytes: secrets.plaintextHistoryBytes,
          keysWithEncryption: secrets.keysWithEncryption,
          livePlaintext: secrets.livePlaintext,
        },
      },
    ];
  },
};
