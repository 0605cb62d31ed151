import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { ANALYSIS_RESULTS, type AnalysisOutcome, resultOf } from '../analysis-runner.js';
import { setKnown, unknown } from './known.js';
import type { AgentParts, Collector } from './types.js';

const LAST_SUCCESS = 'dqlite_agent_last_analysis_timestamp_seconds';
const DURATION = 'dqlite_agent_analysis_duration_seconds';
const ANALYSES = 'dqlite_agent_analyses_total';
const ERRORS = 'dqlite_agent_analysis_errors_total';
const SKIPPED = 'dqlite_agent_analyses_skipped_total';
const RUNNING = 'dqlite_agent_analysis_running';
const LAG = 'dqlite_agent_analysis_lag_seconds';
const PARTIAL = 'dqlite_agent_analysis_partial';
const LAST_ERROR = 'dqlite_agent_analysis_last_error';
const TEMP_FREE = 'dqlite_agent_temp_free_bytes';

export const metricNames = [
  LAST_SUCCESS,
  DURATION,
  ANALYSES,
  ERRORS,
  SKIPPED,
  RUNNING,
  LAG,
  PARTIAL,
  LAST_ERROR,
  TEMP_FREE,
];

/** The agent's own analysis loop: successes, failures by code, duration, and how far behind it is. */
export function createAnalysisCollector(registry: Registry, sources: AgentParts): Collector {
  const registers = [registry];
  const lastSuccess = unknown(
    new Gauge({
      name: LAST_SUCCESS,
      help: 'Unix time of the last successful snapshot analysis.',
      registers,
    }),
  );
  const duration = new Histogram({
    name: DURATION,
    help: 'Time one snapshot analysis took (worker thread, private copy).',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers,
  });
  const analyses = new Counter({
    name: ANALYSES,
    help: 'Finished analyses by result: success, error, or vanished (raft removed the file mid-read).',
    labelNames: ['result'] as const,
    registers,
  });
  const errors = new Counter({
    name: ERRORS,
    help: 'Failed analyses by error code (DQA_* from the core, TIMEOUT, INTERNAL).',
    labelNames: ['code'] as const,
    registers,
  });
  const skipped = new Counter({
    name: SKIPPED,
    help: 'Snapshots not analysed because a newer one arrived while an analysis ran (latest wins).',
    registers,
  });
  const running = new Gauge({ name: RUNNING, help: '1 while an analysis runs.', registers });
  const lag = new Gauge({
    name: LAG,
    help: 'Seconds since the newest snapshot appeared without having been analysed successfully (0 when up to date).',
    registers,
  });
  const partial = new Gauge({
    name: PARTIAL,
    help: '1 when the newest analysis could read only part of the input (torn WAL, integrity errors).',
    registers,
  });
  const lastError = new Gauge({
    name: LAST_ERROR,
    help: '1, labelled with its code, when the latest analysis failed (DQA_TEMP_NO_SPACE: the temp dir is too small); no sample once one succeeds.',
    labelNames: ['code'] as const,
    registers,
  });
  const tempFree = unknown(
    new Gauge({
      name: TEMP_FREE,
      help: "Bytes available on the filesystem of the agent's temp dir, where each analysis copies the uncompressed database.",
      registers,
    }),
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
      const runner = sources.runner;
      setKnown(lastSuccess, runner.lastSuccessAt && runner.lastSuccessAt / 1000);
      skipped.inc(runner.skipped - skippedShown);
      skippedShown = runner.skipped;
      running.set(runner.running ? 1 : 0);
      partial.set(runner.latest?.partial ? 1 : 0);
      setKnown(tempFree, sources.poller.tempFreeBytes);
      const newest = sources.watcher.latest;
      const upToDate = !newest || runner.lastSuccessPath === newest.dataFile;
      lag.set(upToDate ? 0 : (Date.now() - newest.seenAt) / 1000);
    },
  };
}
