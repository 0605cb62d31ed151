// scripts/audit.sh, which .ci/run calls before the tests, against a stand-in registry on loopback:
// it must fail on a high advisory, pass on a clean report, warn and pass when the audit endpoint is
// missing (404, 405: what this workplace's registry answers) or unreachable, and fail on anything it
// cannot explain.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/audit.sh', import.meta.url));

type Mode = 'status-404' | 'status-405' | 'high' | 'moderate' | 'html';
let mode: Mode = 'status-405';
let server: Server;
let registry: string;
const requests: string[] = [];

/** npm's bulk audit answer with one advisory of `severity` for the agent's yaml dependency. */
function report(severity: 'high' | 'moderate') {
  return {
    actions: [],
    muted: [],
    advisories: {
      1099: {
        id: 1099,
        github_advisory_id: 'GHSA-xxxx-test-0001',
        cves: ['CVE-2099-0001'],
        severity,
        module_name: 'yaml',
        title: 'Stand-in advisory for the test',
        url: 'https://github.com/advisories/GHSA-xxxx-test-0001',
        vulnerable_versions: '<99.0.0',
        patched_versions: '>=99.0.0',
        findings: [{ version: '2.8.1', paths: ['packages__agent>yaml'] }],
      },
    },
    metadata: {
      vulnerabilities: {
        info: 0,
        low: 0,
        moderate: severity === 'moderate' ? 1 : 0,
        high: severity === 'high' ? 1 : 0,
        critical: 0,
      },
      dependencies: 200,
      devDependencies: 100,
      optionalDependencies: 0,
      totalDependencies: 300,
    },
  };
}

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => {
      if (mode === 'status-404' || mode === 'status-405') response.writeHead(Number(mode.slice(-3))).end();
      else if (mode === 'html')
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy</html>');
      else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(report(mode)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Run the script (asynchronously: the stand-in registry answers from this process). */
function audit(registryUrl: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [SCRIPT, '--registry', registryUrl],
      // No retries: an unreachable registry fails at once instead of after pnpm's minute of backoff.
      { env: { ...process.env, npm_config_fetch_retries: '0', GITHUB_ACTIONS: '' }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({
          status: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          output: `${stdout}${stderr}`,
        }),
    );
  });
}

describe('scripts/audit.sh', { timeout: 60_000 }, () => {
  it('fails on a high advisory and names it', async () => {
    mode = 'high';
    requests.length = 0;
    const { status, output } = await audit(registry);
    expect(status).toBe(1);
    expect(output).toContain('1 high or critical advisories');
    expect(output).toContain('high: yaml <99.0.0 — Stand-in advisory for the test');
    expect(requests).toEqual(['POST /-/npm/v1/security/audits/quick']);
  });

  it('passes when the only advisory is below high', async () => {
    mode = 'moderate';
    const { status, output } = await audit(registry);
    expect(status).toBe(0);
    expect(output).toContain('no high or critical advisories in 300 dependencies');
    expect(output).toContain('1 moderate');
    expect(output).not.toContain('WARNING');
  });

  it.each(['status-404', 'status-405'] as const)(
    'warns and passes when the audit endpoint answers %s',
    async (answer) => {
      mode = answer;
      requests.length = 0;
      const { status, output } = await audit(registry);
      expect(status).toBe(0);
      expect(output).toMatch(
        /^WARNING: dependencies NOT audited: the registry's audit endpoint is unavailable/m,
      );
      expect(output).toContain(
        answer === 'status-404' ? 'ERR_PNPM_AUDIT_ENDPOINT_NOT_EXISTS' : 'responded with 405',
      );
      // pnpm tried the quick endpoint and the full one before giving up.
      expect(requests).toEqual(['POST /-/npm/v1/security/audits/quick', 'POST /-/npm/v1/security/audits']);
    },
  );

  it('warns and passes when the registry cannot be reached', async () => {
    // A port that was free a moment ago: connection refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { status, output } = await audit(`http://127.0.0.1:${port}/`);
    expect(status).toBe(0);
    expect(output).toContain('WARNING: dependencies NOT audited');
    expect(output).toContain('ECONNREFUSED');
  });

  it('fails when pnpm audit fails for a reason it cannot tell apart from a broken audit', async () => {
    mode = 'html'; // 200 with a proxy's HTML page: pnpm reports a JSON parse error, not the endpoint
    const { status, output } = await audit(registry);
    expect(status).toBe(2);
    expect(output).toContain('pnpm audit failed, and not because the audit endpoint is unavailable');
    expect(output).not.toContain('WARNING');
  });
});
