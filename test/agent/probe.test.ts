// The probe against a real etcd v3 server (Debian etcd-server) on loopback, including the server
// stopping and coming back: latency is measured, an outage is a probe failure (not a lock
// window), and a slow answer opens a lock window.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copySample,
  type Scrape,
  scrape,
  startTestAgent,
  type TestAgent,
} from '../../packages/agent/test/helpers.js';
import { type EtcdServer, startEtcd } from './etcd-server.js';

const haveEtcd = !spawnSync('etcd', ['--version']).error;
const KEY = '/dqlite-agent/probe/test-node';

let scratch: string;
let etcd: EtcdServer;
let running: TestAgent | undefined;

beforeAll(async () => {
  if (!haveEtcd) return;
  scratch = await mkdtemp(join(tmpdir(), 'dqa-probe-'));
  etcd = await startEtcd(join(scratch, 'etcd'));
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await etcd?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function until(check: (m: Scrape) => boolean, what: string): Promise<Scrape> {
  let last: Scrape;
  const deadline = Date.now() + 30_000;
  for (;;) {
    last = await scrape(running!.app);
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${last.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!haveEtcd)('etcd v3 probe (needs Debian etcd-server)', { timeout: 90_000 }, () => {
  it('writes and reads its key, measures latency, and survives the server stopping and coming back', async () => {
    running = await startTestAgent({
      dataDir: copySample(),
      // A generous slow threshold: this test is about outages, which must never count as lock signals.
      probe: {
        enabled: true,
        endpoint: etcd.endpoint,
        key: KEY,
        interval: '200ms',
        timeout: '1s',
        slowThreshold: '30s',
      },
    });
    const up = await until((m) => m.value('dqlite_probe_up') === 1, 'a successful probe');
    expect(up.histogram('dqlite_probe_duration_seconds', { operation: 'put' })).toBeGreaterThan(0);
    expect(up.histogram('dqlite_probe_duration_seconds', { operation: 'get' })).toBeGreaterThan(0);
    // What the probe wrote is in etcd, read back through etcd's own gateway.
    expect(await etcd.read(KEY)).toMatch(new RegExp(`^${process.pid}-\\d+-\\d+$`));

    await etcd.stop();
    const down = await until(
      (m) =>
        m.value('dqlite_probe_up') === 0 &&
        (m.value('dqlite_probe_failures_total', { operation: 'put' }) ?? 0) > 0,
      'failures while etcd is down',
    );
    const reasons = down.families.get('dqlite_probe_failures_total')!.metrics.map((s) => s.labels?.reason);
    expect(reasons.every((reason) => reason === 'unavailable' || reason === 'timeout')).toBe(true);
    // An unreachable server is not lock contention.
    expect(down.value('dqlite_lock_errors_total', { source: 'probe' })).toBeUndefined();

    await etcd.restart();
    const back = await until((m) => m.value('dqlite_probe_up') === 1, 'the probe to recover');
    expect(back.value('dqlite_probe_last_success_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 30);
    await running.stop();
    running = undefined;
  });

  it("reaches etcd through a unix socket named like microk8s' kine.sock:12379", async () => {
    await running?.stop();
    running = undefined;
    const socketEtcd = await startEtcd(join(scratch, 'unix', 'etcd'), { unixSocket: true });
    try {
      expect(socketEtcd.endpoint).toMatch(/^unix:\/\/\/.*\/kine\.sock:12379$/);
      running = await startTestAgent({
        dataDir: copySample(),
        probe: {
          enabled: true,
          endpoint: socketEtcd.endpoint,
          key: KEY,
          interval: '200ms',
          slowThreshold: '30s',
        },
      });
      const metrics = await until((m) => m.value('dqlite_probe_up') === 1, 'a probe over the unix socket');
      expect(metrics.histogram('dqlite_probe_duration_seconds', { operation: 'get' })).toBeGreaterThan(0);
    } finally {
      await running?.stop();
      running = undefined;
      await socketEtcd.stop();
    }
  });

  it('speaks TLS to an https endpoint with the configured CA', async () => {
    await running?.stop();
    running = undefined;
    const dir = join(scratch, 'tls');
    await mkdir(dir, { recursive: true });
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    // One self-signed certificate for 127.0.0.1 serves as both the server's and the CA.
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ]),
      { stdio: 'ignore' },
    );
    const tlsEtcd = await startEtcd(join(dir, 'etcd'), {
      tls: { certFile: cert, keyFile: key, ca: await readFile(cert) },
    });
    try {
      expect(tlsEtcd.endpoint).toMatch(/^https:/);
      running = await startTestAgent({
        dataDir: copySample(),
        probe: {
          enabled: true,
          endpoint: tlsEtcd.endpoint,
          key: KEY,
          interval: '200ms',
          slowThreshold: '30s',
          tls: { caFile: cert },
        },
      });
      await until((m) => m.value('dqlite_probe_up') === 1, 'a probe over TLS');
    } finally {
      await running?.stop();
      running = undefined;
      await tlsEtcd.stop();
    }
  });

  it('opens a lock window when answers are slower than the threshold', async () => {
    await running?.stop();
    running = undefined;
    await etcd.ensureRunning();
    running = await startTestAgent({
      dataDir: copySample(),
      logs: { windowGap: '200ms' },
      // 1 µs: every real round trip is "slow", so each probe is a lock signal.
      probe: { enabled: true, endpoint: etcd.endpoint, key: KEY, interval: '100ms', slowThreshold: '1us' },
    });
    const metrics = await until(
      (m) =>
        (m.value('dqlite_lock_errors_total', { source: 'probe', database: 'k8s', prefix: 'dqlite-agent' }) ??
          0) >= 4,
      'slow probes counted as lock signals',
    );
    expect(metrics.value('dqlite_probe_up')).toBe(1);
    const windows = running.agent.sources.windows.recent().filter((w) => w.source === 'probe');
    expect(windows.length).toBeGreaterThan(0);
    expect(windows[0]!.keys).toEqual([KEY]);
  });
});
