import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildCommand } from '@dqlite-analyzer/core/child';
import { AnalysisRunner } from './analysis-runner.js';
import type { AgentParts } from './collectors/index.js';
import type { AgentConfig } from './config.js';
import { FilesystemPoller } from './filesystem-poller.js';
import { JournalSource } from './lock/journal-source.js';
import { LogFileSource } from './lock/log-file-source.js';
import { LogSink } from './lock/log-sink.js';
import { LockWindows } from './lock/windows.js';
import { EtcdProbe } from './probe/etcd-probe.js';
import type { SnapshotRecord } from './watch.js';
import { SnapshotWatcher } from './watch.js';

/** Where the agent reports problems that do not stop it (fastify's pino logger in production). */
export interface AgentLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface Agent {
  sources: AgentParts;
  /** Start watching, polling and following; reports the newest snapshot already present. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  version: string;
  log: AgentLog;
  /** Overrides for tests: the analysis child to start, faster timers. */
  childCommand?: ChildCommand;
  watcherCheckMs?: number;
  logPollMs?: number;
  /** First delays before journalctl is restarted and a temp-space failure is retried (ms). */
  journalRestartMs?: number;
  journalMaxRestartMs?: number;
  analysisRetryMs?: number;
}

/**
 * Build the agent's parts as configured; nothing runs until start() and nothing here listens on a
 * port (the server is built over `sources` in between, so its collectors see every event).
 */
export function createAgent(config: AgentConfig, options: StartOptions): Agent {
  const { log } = options;
  // A private parent for the core's copies, removed on stop (each child's own directory is
  // removed as it exits, core/src/child/spawn.ts).
  const tempRoot = mkdtempSync(join(config.analysis.tempDir ?? tmpdir(), 'dqlite-agent-'));
  const warn = (what: string) => (error: Error) => log.warn({ err: error }, what);
  const watcher = new SnapshotWatcher({
    dataDir: config.dataDir,
    checkMs: options.watcherCheckMs,
    onError: warn('watching the data directory failed'),
  });
  const runner = new AnalysisRunner({
    tempDir: tempRoot,
    nice: config.analysis.nice,
    childCommand: options.childCommand,
    retryMs: options.analysisRetryMs,
  });
  const windows = new LockWindows({ gapSeconds: config.logs.windowGapSeconds, timeline: watcher.timing });
  const logs = new LogSink(windows);
  const poller = new FilesystemPoller({
    dataDir: config.dataDir,
    tempDir: tempRoot,
    intervalMs: config.pollSeconds * 1000,
    onError: warn('reading the free space failed'),
  });
  const probe = config.probe.enabled
    ? new EtcdProbe({
        endpoint: config.probe.endpoint,
        key: config.probe.key,
        intervalMs: config.probe.intervalSeconds * 1000,
        timeoutMs: config.probe.timeoutSeconds * 1000,
        slowMs: config.probe.slowSeconds * 1000,
        tls: config.probe.tls,
        windows,
      })
    : undefined;
  const files = config.logs.files.map(
    (path) =>
      new LogFileSource({
        path,
        sink: logs,
        pollMs: options.logPollMs,
        onError: warn(`following ${path} failed`),
      }),
  );
  const journal =
    config.logs.journalUnits.length > 0
      ? new JournalSource({
          units: config.logs.journalUnits,
          command: config.logs.journalctl,
          extraArgs: config.logs.journalArgs,
          sink: logs,
          restartMs: options.journalRestartMs,
          maxRestartMs: options.journalMaxRestartMs,
          onError: warn('following the journal failed'),
        })
      : undefined;

  watcher.on('snapshot', (record: SnapshotRecord) => {
    log.info(
      { snapshot: record.file, index: record.index, writeSeconds: record.writeSeconds },
      'new snapshot',
    );
    runner.request(record.dataFile);
    void poller.poll();
  });
  runner.on('done', (outcome) => {
    if (outcome.ok) log.info({ path: outcome.path, seconds: outcome.durationSeconds }, 'snapshot analysed');
    else
      log.warn(
        { path: outcome.path, code: outcome.code, error: outcome.message, ...nextStep(outcome.code) },
        'snapshot analysis failed',
      );
  });
  windows.on('close', (window) => log.info({ window }, 'lock window closed'));
  let tick: NodeJS.Timeout | undefined;

  const sources: AgentParts = {
    version: options.version,
    watcher,
    runner,
    windows,
    logs,
    journal,
    poller,
    probe,
  };
  return {
    sources,
    async start() {
      tick = setInterval(() => windows.tick(), 1000);
      tick.unref();
      await watcher.start();
      poller.start();
      for (const file of files) file.start();
      journal?.start();
      probe?.start();
    },
    async stop() {
      clearInterval(tick);
      await Promise.all([
        watcher.stop(),
        runner.stop(),
        poller.stop(),
        probe?.stop(),
        journal?.stop(),
        ...files.map((file) => file.stop()),
      ]);
      windows.flush();
      rmSync(tempRoot, { recursive: true, force: true });
    },
  };
}

// The core says what failed; the agent says what the operator can change in its own configuration.
function nextStep(code: string): { hint?: string } {
  if (code === 'DQA_TEMP_NO_SPACE' || code === 'DQA_TEMP_FAILED') {
    return {
      hint:
        'give analysis.tempDir (DQLITE_AGENT_TEMP_DIR) a writable filesystem with room for the uncompressed ' +
        "database (the DaemonSet's /tmp emptyDir sizeLimit); the agent retries",
    };
  }
  return {};
}
