import { programVersion } from '@dqlite-analyzer/core/child';
import { type AgentLog, createAgent } from './agent.js';
import { ConfigError, parseCommand, USAGE } from './config.js';
import { buildServer } from './server.js';

const version = programVersion(() => new URL('../package.json', import.meta.url));

// Exit codes: 0 stopped by a signal or --help, 2 bad configuration (sysexits would say 78, but
// 2 is what systemd and kubelet users expect for usage errors), 1 anything else.
async function main(): Promise<number> {
  const command = parseCommand(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const { config } = command;
  // SIGHUP too: a closed terminal or `systemctl kill -s HUP` ends the agent as SIGTERM does, with
  // its copies removed (it has no configuration to reload). Installed before anything starts, so
  // a signal during start-up is not lost; handled at once in every state: the analysis runs in a
  // child process (analysis-runner.ts), never on this thread.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    for (const name of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(name, () => resolve(name));
  });
  // The agent logs through the server's pino logger, which exists only once the server is built
  // over the agent's sources; nothing is logged before start().
  const log: AgentLog = {
    info: (object, message) => app.log.info(object, message),
    warn: (object, message) => app.log.warn(object, message),
  };
  const agent = createAgent(config, { version, log });
  const app = buildServer({
    sources: agent.sources,
    token: config.token,
    tls: config.tls,
    analysisApi: config.analysisApi,
    staleAfterSeconds: config.analysis.staleAfterSeconds,
    logger: { level: config.logLevel },
  });
  await agent.start();
  try {
    await app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (error) {
    // Port taken or address invalid: remove the private temp directory before exiting.
    await agent.stop();
    throw error;
  }
  app.log.info({ dataDir: config.dataDir, version }, 'dqlite-agent started');
  const signal = await stopSignal;
  app.log.info({ signal }, 'shutting down');
  // Kill the analysis child and remove its copy, stop the watcher and log followers, then stop
  // taking requests (a scrape in flight still gets its answer).
  await Promise.all([agent.stop(), app.close()]);
  return 0;
}

// The only place that exits.
try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`dqlite-agent: configuration error: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(
      `dqlite-agent: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
process.exit();
