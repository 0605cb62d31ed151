import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DATA_DIR, DEFAULT_PORT, parseCommand, parseListen } from '../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'agent-config-'));
function yamlFile(text: string): string {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
}
function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const command = parseCommand(argv, env);
  if (command.kind !== 'run') throw new Error(`expected run, got ${command.kind}`);
  return command.config;
}
function fieldOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).field;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('defaults to the microk8s data directory on loopback, probe off, analysis API on', () => {
    const config = run([]);
    expect(config.dataDir).toBe(DEFAULT_DATA_DIR);
    expect(config.listen).toEqual({ host: '127.0.0.1', port: DEFAULT_PORT });
    expect(config.probe.enabled).toBe(false);
    expect(config.analysisApi).toBe(true);
    expect(config.token).toBeUndefined();
  });

  it('takes the YAML file, then the environment, then flags (each overriding the one before)', () => {
    const file = yamlFile(
      'dataDir: /from/yaml\nlisten: 0.0.0.0:9000\nlogs:\n  windowGap: 2s\n  journalUnits: [a]\nprobe:\n  interval: 1m30s\n',
    );
    expect(run(['--config', file]).dataDir).toBe('/from/yaml');
    const fromEnv = run(['--config', file], { DQLITE_AGENT_DATA_DIR: '/from/env' });
    expect(fromEnv.dataDir).toBe('/from/env');
    expect(fromEnv.listen.port).toBe(9000);
    expect(fromEnv.logs.windowGapSeconds).toBe(2);
    expect(fromEnv.probe.intervalSeconds).toBe(90);
    const fromFlag = run(['--config', file, '--data-dir', '/from/flag', '--journal-unit', 'b'], {
      DQLITE_AGENT_DATA_DIR: '/from/env',
    });
    expect(fromFlag.dataDir).toBe('/from/flag');
    expect(fromFlag.logs.journalUnits).toEqual(['b']);
  });

  it('reads the config path, lists and the probe endpoint from the environment', () => {
    const file = yamlFile('dataDir: /x\n');
    const config = run([], {
      DQLITE_AGENT_CONFIG: file,
      DQLITE_AGENT_LOG_FILES: '/var/log/a.log, /var/log/b.log',
      DQLITE_AGENT_PROBE_ENDPOINT: 'unix:///var/snap/microk8s/current/var/kubernetes/backend/kine.sock:12379',
      DQLITE_AGENT_ANALYSIS_API: 'false',
    });
    expect(config.dataDir).toBe('/x');
    expect(config.logs.files).toEqual(['/var/log/a.log', '/var/log/b.log']);
    expect(config.probe.enabled).toBe(true);
    expect(config.analysisApi).toBe(false);
  });

  it('reads the token from a file and refuses an empty one', () => {
    const token = join(dir, 'token');
    writeFileSync(token, 's3cret\n');
    expect(run(['--token-file', token]).token).toBe('s3cret');
    writeFileSync(token, '\n');
    expect(fieldOf(() => run(['--token-file', token]))).toBe('tokenFile');
  });

  it('names the field in every error', () => {
    expect(fieldOf(() => run(['--listen', 'nope']))).toBe('listen');
    expect(fieldOf(() => run(['--bogus']))).toBe('command line');
    expect(fieldOf(() => run(['--config', yamlFile('dataDirectory: /typo\n')]))).toBe('dataDirectory');
    expect(fieldOf(() => run(['--config', yamlFile('probe:\n  interval: soon\n')]))).toBe('probe.interval');
    expect(fieldOf(() => run(['--config', yamlFile('analysis:\n  nice: 40\n')]))).toBe('analysis.nice');
    expect(fieldOf(() => run(['--config', yamlFile('logs:\n  files: /one/path\n')]))).toBe('logs.files');
    expect(fieldOf(() => run(['--config', yamlFile('tls:\n  certFile: /c.pem\n')]))).toBe('tls.keyFile');
    expect(fieldOf(() => run(['--config', yamlFile('logLevel: loud\n')]))).toBe('logLevel');
    expect(fieldOf(() => run(['--probe-endpoint', 'localhost:2379']))).toBe('probe.endpoint');
    expect(fieldOf(() => run(['--config', join(dir, 'missing.yaml')]))).toBe('config');
    expect(fieldOf(() => run(['--config', yamlFile('- a\n- b\n')]))).toBe('config');
  });

  it('parses listen addresses, IPv6 included', () => {
    expect(parseListen('[::1]:9963')).toEqual({ host: '::1', port: 9963 });
    expect(parseListen(':8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(() => parseListen('127.0.0.1:70000')).toThrow(ConfigError);
  });

  it('answers --help and --version without a configuration', () => {
    expect(parseCommand(['--help', '--listen', 'bad'], {}).kind).toBe('help');
    expect(parseCommand(['-v'], {}).kind).toBe('version');
  });
});
