import { Counter, type Registry } from 'prom-client';
import { JOURNAL_FAILURES, type JournalSource } from '../lock/journal-source.js';
import { Gauges } from './gauges.js';
import type { AgentParts, Collector } from './types.js';

/** The journalctl follower: whether it runs, and how often it ended or could not start. Empty without journal units. */
export function createJournalCollector(registry: Registry, sources: AgentParts): Collector {
  const journal = sources.journal;
  if (!journal) return { name: 'journal', update() {} };
  const gauges = new Gauges<JournalSource>(registry);
  gauges.value(
    'dqlite_agent_journal_up',
    '1 while journalctl runs and follows the configured units; 0 while it is down and waiting to be restarted.',
    (j) => (j.following ? 1 : 0),
  );
  const failures = new Counter({
    name: 'dqlite_agent_journal_failures_total',
    help: 'Times journalctl ended (exited) or could not be started (start_failed); each is restarted after a backoff of 1 s doubling to 60 s.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const shown = { exited: 0, start_failed: 0 };
  for (const reason of JOURNAL_FAILURES) failures.inc({ reason }, 0);
  return {
    name: 'journal',
    update() {
      gauges.update(journal);
      for (const reason of JOURNAL_FAILURES) {
        failures.inc({ reason }, journal.failures[reason] - shown[reason]);
        shown[reason] = journal.failures[reason];
      }
    },
  };
}
