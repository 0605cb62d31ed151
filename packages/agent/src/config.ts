import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { MICROK8S_DATA_DIR } from '@dqlite-analyzer/core';
import { parse as parseYaml } from 'yaml';
import { type FieldReader, readSection } from './config-fields.js';
import { ConfigError } from './errors.js';

export { ConfigError };

/** Everything the agent needs to run, validated; every path has a production default. */
export interface AgentConfig {
  /** The dqlite data directory the agent reads (never writes). */
  dataDir: string;
  listen: { host: string; port: number };
  /** Bearer token required on /metrics and /api/*; undefined = no authentication. */
  token: string | undefined;
  tls: { certFile: string; keyFile: string } | undefined;
  /** Serve the full Analysis JSON on /api/v1/analysis (it names keys and databases). */
  analysisApi: boolean;
  analysis: {
    /** /readyz fails when the last successful analysis is older than this (seconds). */
    staleAfterSeconds: number;
    /** Where the private copies go; needs room for the largest database. */
    tempDir: string | undefined;
    /** Nice value of the analysis thread (0-19): analysis must not compete with dqlite. */
    nice: number;
  };
  logs: {
    files: string[];
    journalUnits: string[];
    journalctl: string;
    /** Extra journalctl arguments, e.g. `--directory=/var/log/journal` for a host journal in a container. */
    journalArgs: string[];
    /** Errors closer together than this (seconds) belong to one lock window. */
    windowGapSeconds: number;
  };
  probe: {
    enabled: boolean;
    /** etcd v3 endpoint kine serves: `http://127.0.0.1:12379`, `https://…` or `unix:///path`. */
    endpoint: string;
    key: string;
    intervalSeconds: number;
    timeoutSeconds: number;
    /** A probe slower than this (seconds) opens a lock window. */
    slowSeconds: number;
    tls: { caFile: string | undefined; certFile: string | undefined; keyFile: string | undefined };
  };
  /** How often the Raft log and filesystem figures are refreshed (seconds). */
  pollSeconds: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** microk8s' k8s-dqlite backend (canonical/microk8s: default-args/k8s-dqlite --storage-dir). */
export const DEFAULT_DATA_DIR = MICROK8S_DATA_DIR;
// Not taken by k8s-dqlite (9042) nor node-problem-detector (20256/20257).
export const DEFAULT_PORT = 9963;

export const USAGE = `Usage: dqlite-agent [options]

  --data-dir DIR          dqlite data directory (default ${DEFAULT_DATA_DIR})
  --listen HOST:PORT      address to serve on (default 127.0.0.1:${DEFAULT_PORT})
  --config FILE           YAML configuration file (see docs/agent.md)
  --log-file FILE         follow a log file for lock errors (repeatable)
  --journal-unit UNIT     follow a systemd unit's journal for lock errors (repeatable)
  --probe-endpoint URL    enable the etcd v3 probe against kine at URL
  --token-file FILE       require this bearer token on /metrics and /api
  --no-analysis-api       do not serve /api/v1/analysis
  --log-level LEVEL       fatal|error|warn|info|debug|trace|silent (default info)
  -h, --help              show this help
  -v, --version           show the version

Every option can also be set in the environment as DQLITE_AGENT_<NAME> (e.g. DQLITE_AGENT_DATA_DIR).`;

/** The command line as parsed; what main.ts acts on. */
export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: AgentConfig };

// Flags, environment and YAML all end up in the YAML shape below, then one validator reads it.
const FLAG_OPTIONS = {
  'data-dir': { type: 'string' },
  listen: { type: 'string' },
  config: { type: 'string' },
  'log-file': { type: 'string', multiple: true },
  'journal-unit': { type: 'string', multiple: true },
  'probe-endpoint': { type: 'string' },
  'token-file': { type: 'string' },
  'no-analysis-api': { type: 'boolean' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Parse flags, environment and the optional YAML file (flags win over env, env over the file). */
export function parseCommand(argv: string[], env: NodeJS.ProcessEnv): Command {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAG_OPTIONS; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: FLAG_OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ConfigError('command line', (error as Error).message);
  }
  const flags = parsed.values;
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };
  const file = flags.config ?? env.DQLITE_AGENT_CONFIG;
  const raw = file ? readConfigFile(file) : {};
  overlay(raw, fromEnv(env));
  overlay(raw, {
    dataDir: flags['data-dir'],
    listen: flags.listen,
    logs: { files: flags['log-file'], journalUnits: flags['journal-unit'] },
    probe: flags['probe-endpoint'] ? { enabled: true, endpoint: flags['probe-endpoint'] } : undefined,
    tokenFile: flags['token-file'],
    analysisApi: flags['no-analysis-api'] ? false : undefined,
    logLevel: flags['log-level'],
  });
  return { kind: 'run', config: validateConfig(raw) };
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('config', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError('config', `${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('config', `${path} must hold a mapping of settings`);
  }
  return value as Record<string, unknown>;
}

const list = (text: string | undefined) =>
  text
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const probeEnabled = env.DQLITE_AGENT_PROBE_ENABLED;
  return {
    dataDir: env.DQLITE_AGENT_DATA_DIR,
    listen: env.DQLITE_AGENT_LISTEN,
    token: env.DQLITE_AGENT_TOKEN,
    tokenFile: env.DQLITE_AGENT_TOKEN_FILE,
    analysisApi: env.DQLITE_AGENT_ANALYSIS_API,
    logLevel: env.DQLITE_AGENT_LOG_LEVEL,
    analysis: { tempDir: env.DQLITE_AGENT_TEMP_DIR },
    logs: {
      files: list(env.DQLITE_AGENT_LOG_FILES),
      journalUnits: list(env.DQLITE_AGENT_JOURNAL_UNITS),
      journalArgs: list(env.DQLITE_AGENT_JOURNAL_ARGS),
    },
    probe: {
      enabled: probeEnabled ?? (env.DQLITE_AGENT_PROBE_ENDPOINT ? 'true' : undefined),
      endpoint: env.DQLITE_AGENT_PROBE_ENDPOINT,
    },
  };
}

// Copy defined values of `source` over `target`, recursing into plain objects.
function overlay(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) overlay(current, value);
    else if (isPlainObject(value)) {
      const fresh: Record<string, unknown> = {};
      overlay(fresh, value);
      if (Object.keys(fresh).length > 0) target[key] = fresh;
    } else target[key] = value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Validate the YAML-shaped settings into an AgentConfig; throws ConfigError naming the field. */
export function validateConfig(raw: Record<string, unknown>): AgentConfig {
  const top = readSection(raw, '', [
    'dataDir',
    'listen',
    'token',
    'tokenFile',
    'tls',
    'analysisApi',
    'analysis',
    'logs',
    'probe',
    'pollInterval',
    'logLevel',
  ]);
  const token = top.string('token') ?? readToken(top);
  const tlsSection = top.section('tls', ['certFile', 'keyFile']);
  const certFile = tlsSection.string('certFile');
  const keyFile = tlsSection.string('keyFile');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError(certFile ? 'tls.keyFile' : 'tls.certFile', 'TLS needs both certFile and keyFile');
  }
  const analysis = top.section('analysis', ['staleAfter', 'tempDir', 'nice']);
  const logs = top.section('logs', ['files', 'journalUnits', 'journalctl', 'journalArgs', 'windowGap']);
  const probe = top.section('probe', [
    'enabled',
    'endpoint',
    'key',
    'interval',
    'timeout',
    'slowThreshold',
    'tls',
  ]);
  const probeTls = probe.section('tls', ['caFile', 'certFile', 'keyFile']);
  const config: AgentConfig = {
    dataDir: top.string('dataDir') ?? DEFAULT_DATA_DIR,
    listen: parseListen(top.string('listen') ?? `127.0.0.1:${DEFAULT_PORT}`),
    token,
    tls: certFile && keyFile ? { certFile, keyFile } : undefined,
    analysisApi: top.boolean('analysisApi') ?? true,
    analysis: {
      staleAfterSeconds: analysis.duration('staleAfter') ?? 6 * 3600,
      tempDir: analysis.string('tempDir'),
      nice: analysis.integer('nice', 0, 19) ?? 10,
    },
    logs: {
      files: logs.stringList('files') ?? [],
      journalUnits: logs.stringList('journalUnits') ?? [],
      journalctl: logs.string('journalctl') ?? 'journalctl',
      journalArgs: logs.stringList('journalArgs') ?? [],
      windowGapSeconds: logs.duration('windowGap') ?? 5,
    },
    probe: {
      enabled: probe.boolean('enabled') ?? false,
      endpoint: probe.string('endpoint') ?? 'http://127.0.0.1:12379',
      // One key per node, so agents on different nodes do not overwrite each other's probe.
      key: probe.string('key') ?? `/dqlite-agent/probe/${hostname()}`,
      intervalSeconds: probe.duration('interval') ?? 30,
      timeoutSeconds: probe.duration('timeout') ?? 5,
      slowSeconds: probe.duration('slowThreshold') ?? 1,
      tls: {
        caFile: probeTls.string('caFile'),
        certFile: probeTls.string('certFile'),
        keyFile: probeTls.string('keyFile'),
      },
    },
    pollSeconds: top.duration('pollInterval') ?? 15,
    logLevel: top.oneOf('logLevel', LOG_LEVELS) ?? 'info',
  };
  if (config.probe.enabled && !/^(https?|unix):\/\//.test(config.probe.endpoint)) {
    throw new ConfigError(
      'probe.endpoint',
      `expected http://, https:// or unix://, got "${config.probe.endpoint}"`,
    );
  }
  return config;
}

function readToken(top: FieldReader): string | undefined {
  const file = top.string('tokenFile');
  if (!file) return undefined;
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError('tokenFile', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code}`);
  }
  if (!token) throw new ConfigError('tokenFile', `${file} is empty`);
  return token;
}

/** Parse `HOST:PORT` (`[::1]:9963` for IPv6); port 0 asks the OS for a free one. */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new ConfigError('listen', `expected HOST:PORT, got "${text}"`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}
