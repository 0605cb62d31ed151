import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { ANALYSIS_RESULTS, type AnalysisOutcome, resultOf } from '../analysis-runner.js';
import { Gauges } from './gauges.js';
import type { AgentParts, Collector } from './types.js';

/** The agent's own analysis loop: successes, failures by code, duration, and how far behind it is. */
export function createAnalysisCollector(registry: Registry, sources: AgentParts): Collector {
  const registers = [registry];
  const gauges = new Gauges<AgentParts>(registry);
  gauges.value(
    'dqlite_agent_last_analysis_timestamp_seconds',
    'Unix time of the last successful snapshot analysis.',
    (s) => s.runner.lastSuccessAt && s.runner.lastSuccessAt / 1000,
  );
  const duration = new Histogram({
    name: 'dqlite_agent_analysis_duration_seconds',
    help: 'Time one snapshot analysis took (child process, private copy).',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers,
  });
  const analyses = new Counter({
    name: 'dqlite_agent_analyses_total',
    help: 'Finished analyses by result: success, error, or vanished (raft removed the file mid-read).',
    labelNames: ['result'] as const,
    registers,
  });
  const errors = new Counter({
    name: 'dqlite_agent_analysis_errors_total',
    help: 'Failed analyses by error code (DQA_* from the core, TIMEOUT, INTERNAL).',
    labelNames: ['code'] as const,
    registers,
  });
  const skipped = new Counter({
    name: 'dqlite_agent_analyses_skipped_total',
    help: 'Snapshots not analysed because a newer one arrived while an analysis ran (latest wins).',
    registers,
  });
  gauges.value('dqlite_agent_analysis_running', '1 while an analysis runs.', (s) =>
    s.runner.running ? 1 : 0,
  );
  gauges.value(
    'dqlite_agent_analysis_lag_seconds',
    'Seconds since the newest snapshot appeared without having been analysed successfully (0 when up to date).',
    (s) => {
      const newest = s.watcher.latest;
      const upToDate = !newest || s.runner.lastSuccessPath === newest.dataFile;
      return upToDate ? 0 : (Date.now() - newest.seenAt) / 1000;
    },
  );
  gauges.value(
    'dqlite_agent_analysis_partial',
    '1 when the newest analysis could read only part of the input (torn WAL, integrity errors).',
    (s) => (s.runner.latest?.partial ? 1 : 0),
  );
  // Set when an analysis ends, not at scrape time.
  const lastError = new Gauge({
    name: 'dqlite_agent_analysis_last_error',
    help: '1, labelled with its code, when the latest analysis failed (DQA_TEMP_NO_SPACE: the temp dir is too small); no sample once one succeeds.',
    labelNames: ['code'] as const,
    registers,
  });
  gauges.value(
    'dqlite_agent_temp_free_bytes',
    "Bytes available on the filesystem of the agent's temp dir, where each analysis copies the uncompressed database.",
    (s) => s.poller.tempFreeBytes,
  );
  for (const result of ANALYSIS_RESULTS) analyses.inc({ result }, 0);
  sources.runner.on('done', (outcome: AnalysisOutcome) => {
    duration.observe(outcome.durationSeconds);
    const result = resultOf(outcome);
    analyses.inc({ result });
    // A vanished snapshot says nothing about the agent: the last error (or success) stands.
    if (result !== 'vanished') lastError.reset();
    if (result === 'error') {
      const code = outcome.code ?? 'INTERNAL';
      errors.inc({ code });
      lastError.set({ code }, 1);
    }
  });
  let skippedShown = 0;
  return {
    name: 'analysis',
    update() {
      gauges.update(sources);
      skipped.inc(sources.runner.skipped - skippedShown);
      skippedShown = sources.runner.skipped;
    },
  };
}
