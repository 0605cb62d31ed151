// The dqlite-agent binary as an operator meets it: --help, --version, configuration errors that
// name the field (exit 2), and TLS with a bearer token on a real port.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_MAIN, startAgentProcess } from './agent-process.js';

const run = promisify(execFile);
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-agent-cli-'));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function fails(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [AGENT_MAIN, ...args]);
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
  throw new Error('expected the agent to exit with an error');
}

describe('dqlite-agent command line', { timeout: 60_000 }, () => {
  it('prints usage and version', async () => {
    expect((await run(process.execPath, [AGENT_MAIN, '--help'])).stdout).toContain('--data-dir DIR');
    const { version } = JSON.parse(
      await readFile(new URL('../../packages/agent/package.json', import.meta.url), 'utf8'),
    );
    expect((await run(process.execPath, [AGENT_MAIN, '--version'])).stdout.trim()).toBe(version);
  });

  it('exits 2 naming the field of a bad setting, from a flag, the environment or the file', async () => {
    expect(await fails(['--listen', 'everywhere'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('configuration error: listen: expected HOST:PORT, got "everywhere"'),
    });
    const file = join(scratch, 'bad.yaml');
    await writeFile(file, 'probe:\n  enabled: true\n  interval: soon\n');
    expect(await fails(['--config', file])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('probe.interval: expected a positive duration'),
    });
  });

  it('serves /metrics over TLS with a bearer token, health endpoints without one', async () => {
    const key = join(scratch, 'key.pem');
    const cert = join(scratch, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const config = join(scratch, 'tls.yaml');
    await writeFile(config, `tls:\n  certFile: ${cert}\n  keyFile: ${key}\ntoken: t0ken\n`);
    const agent = await startAgentProcess(['--config', config, '--data-dir', join(scratch, 'no-data-yet')]);
    try {
      const url = agent.url;
      expect(url).toMatch(/^https:/);
      const ca = await readFile(cert);
      const fetchTls = (path: string, headers: Record<string, string> = {}) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          get(`${url}${path}`, { ca, headers }, (response) => {
            let body = '';
            response.on('data', (chunk) => {
              body += chunk;
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          }).on('error', reject);
        });
      expect((await fetchTls('/metrics')).status).toBe(401);
      const metrics = await fetchTls('/metrics', { authorization: 'Bearer t0ken' });
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('dqlite_agent_data_dir_up 0');
      expect((await fetchTls('/healthz')).status).toBe(200);
      // No data directory: alive, not ready.
      expect((await fetchTls('/readyz')).status).toBe(503);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });
});
