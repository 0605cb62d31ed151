import { Counter, Gauge, type Registry } from 'prom-client';
import { JOURNAL_FAILURES } from '../lock/journal-source.js';
import type { AgentParts, Collector } from './types.js';

const JOURNAL_UP = 'dqlite_agent_journal_up';
const JOURNAL_FAILURES_TOTAL = 'dqlite_agent_journal_failures_total';

export const metricNames = [JOURNAL_UP, JOURNAL_FAILURES_TOTAL];

/** The journalctl follower: whether it runs, and how often it ended or could not start. Empty without journal units. */
export function createJournalCollector(registry: Registry, sources: AgentParts): Collector {
  const journal = sources.journal;
  if (!journal) return { name: 'journal', update() {} };
  const registers = [registry];
  const up = new Gauge({
    name: JOURNAL_UP,
    help: '1 while journalctl runs and follows the configured units; 0 while it is down and waiting to be restarted.',
    registers,
  });
  const failures = new Counter({
    name: JOURNAL_FAILURES_TOTAL,
    help: 'Times journalctl ended (exited) or could not be started (start_failed); each is restarted after a backoff of 1 s doubling to 60 s.',
    labelNames: ['reason'] as const,
    registers,
  });
  const shown = { exited: 0, start_failed: 0 };
  for (const reason of JOURNAL_FAILURES) failures.inc({ reason }, 0);
  return {
    name: 'journal',
    update() {
      up.set(journal.following ? 1 : 0);
      for (const reason of JOURNAL_FAILURES) {
        failures.inc({ reason }, journal.failures[reason] - shown[reason]);
        shown[reason] = journal.failures[reason];
      }
    },
  };
}
