import type { Analysis, Finding } from '../analysis-types.js';
import { formatCount as n, plural } from '../format.js';
import { type Check, kineCopy } from './check.js';
import { distributionOf, dqliteShell } from './commands.js';
import { sqliteVerify } from './shell.js';

// Gap rows: k8s-dqlite ≤ 1.5.0 filled missing ids with `gap-<rev>` tombstones; users found 147k
// (canonical/microk8s#3227) and 353,953 (k3s-io/k3s#10619). A handful is harmless history.
/** gap-* rows from which the finding is a warning (below it, info). */
export const GAP_ROWS_WARNING = 1000;
/** Revisions between the compact revision and the current one from which compaction counts as stuck. */
export const COMPACT_REVISION_LAG_WARNING = 50_000;

const AT_OR_BELOW_COMPACT = "id <= (SELECT MAX(prev_revision) FROM kine WHERE name = 'compact_rev_key')";

/** 9. kine's own rows say compaction or its bookkeeping went wrong. */
export const kineBookkeepingCheck: Check = {
  id: 'kine-bookkeeping',
  run(analysis: Analysis): Finding[] {
    const kine = analysis.kine;
    if (!kine) return [];
    const d = distributionOf(analysis);
    const copy = kineCopy(analysis);
    const problems: string[] = [];
    const commands: string[] = [];
    let severity: Finding['severity'] = 'info';
    const raise = (to: Finding['severity']) => {
      if (to === 'warning') severity = to;
    };
    if (kine.gapRows > 0) {
      raise(kine.gapRows >= GAP_ROWS_WARNING ? 'warning' : 'info');
      problems.push(
        `${plural(kine.gapRows, 'gap-* row')} (filler tombstones of k8s-dqlite <= 1.5.0); ` +
          sqliteVerify(copy, "SELECT count(*) FROM kine WHERE substr(name, 1, 4) = 'gap-'", [kine.gapRows]),
      );
      const compacted = kine.gapRowsCompacted;
      const above = kine.gapRows - compacted;
      problems.push(
        `${n(compacted)} of them at or below the compact revision ${kine.compactRevision === null ? '(none: never compacted)' : n(kine.compactRevision)}` +
          `${above > 0 ? `, ${n(above)} above it, out of a DELETE's reach until compaction passes them` : ''}; ` +
          sqliteVerify(
            copy,
            `SELECT count(*) FROM kine WHERE substr(name, 1, 4) = 'gap-' AND ${AT_OR_BELOW_COMPACT}`,
            [compacted],
          ),
      );
      commands.push(
        '# k8s-dqlite >= 1.3.5 deletes old gap rows in compaction (canonical/k8s-dqlite#313): upgrade first.',
      );
      // A DELETE only where it removes something: on the sample every gap row is above the compact revision.
      if (compacted > 0) {
        commands.push(
          '# On older versions, delete the ones below the compact revision (they are tombstones already):',
          dqliteShell(
            d,
            `DELETE FROM kine WHERE substr(name, 1, 4) = 'gap-' AND ${AT_OR_BELOW_COMPACT}`,
            600_000,
          ),
        );
      } else {
        commands.push(
          '# None is at or below the compact revision yet, so there is nothing to delete by hand: once',
          '# compaction has passed them, analyse a new snapshot to see what is left.',
        );
      }
    }
    if (kine.compactRevKeyRows > 1) {
      raise('warning');
      problems.push(
        `${n(kine.compactRevKeyRows)} compact_rev_key rows (there must be one; a known k8s-dqlite bug, cleaned up at start); ` +
          sqliteVerify(copy, "SELECT count(*) FROM kine WHERE name = 'compact_rev_key'", [
            kine.compactRevKeyRows,
          ]),
      );
      commands.push('# k8s-dqlite removes the duplicates when it starts (compactStart):', d.restartDqlite);
    }
    const neverCompacted = kine.compactRevision === null;
    if (kine.revisionsSinceCompaction >= COMPACT_REVISION_LAG_WARNING) {
      raise('warning');
      problems.push(
        `compact revision ${neverCompacted ? 'none (never compacted)' : n(kine.compactRevision ?? 0)} is ${plural(kine.revisionsSinceCompaction, 'revision')} ` +
          `behind the current revision ${n(kine.currentRevision)}; ` +
          sqliteVerify(
            copy,
            "SELECT coalesce(MAX(prev_revision), 'none') FROM kine WHERE name = 'compact_rev_key'; SELECT MAX(id) FROM kine",
            [kine.compactRevision ?? 'none', kine.currentRevision],
          ),
      );
      commands.push(
        '# Compaction runs on the dqlite leader only; check that its k8s-dqlite compacts:',
        `sudo journalctl -u ${d.journal.dqlite} --since -30min | grep -i compact`,
      );
    }
    if (problems.length === 0) return [];
    // The problems by kind (an evidence line may explain another one: the gap rows' compact revision).
    const kinds = [
      kine.gapRows > 0 ? plural(kine.gapRows, 'gap row') : '',
      kine.compactRevKeyRows > 1 ? `${n(kine.compactRevKeyRows)} compact_rev_key rows` : '',
      kine.revisionsSinceCompaction >= COMPACT_REVISION_LAG_WARNING
        ? `compaction ${plural(kine.revisionsSinceCompaction, 'revision')} behind`
        : '',
    ].filter(Boolean);
    return [
      {
        id: 'kine-bookkeeping',
        severity,
        title: `kine bookkeeping: ${plural(kinds.length, 'problem')} (${kinds.join(', ')})`,
        evidence: problems,
        remediation: commands.join('\n'),
        data: {
          gapRows: kine.gapRows,
          gapRowsCompacted: kine.gapRowsCompacted,
          compactRevKeyRows: kine.compactRevKeyRows,
          compactRevision: kine.compactRevision,
          currentRevision: kine.currentRevision,
          revisionsSinceCompaction: kine.revisionsSinceCompaction,
        },
      },
    ];
  },
};
