// A throw-away single-member etcd (Debian etcd-server) on loopback, for the agent's probe: the same
// etcd v3 API that kine serves to the apiserver.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

export interface EtcdServer {
  endpoint: string;
  /** Stop the server (SIGTERM, bounded); its data directory stays for restart(). */
  stop(): Promise<void>;
  /** Start it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Start it again only if it is not running (so one failed test does not fail the next). */
  ensureRunning(): Promise<void>;
  /** Read a key through etcd's own HTTP/JSON gateway (no client code shared with the agent). */
  read(key: string): Promise<string | undefined>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * `tls`: serve clients over HTTPS with this certificate. `unixSocket`: serve clients on a socket named `kine.sock:12379` beside the data directory, as
 * k8s-dqlite does on microk8s (etcd, like kine, names the socket file after the URL's host:port).
 */
export async function startEtcd(
  dataDir: string,
  options: { unixSocket?: boolean; tls?: { certFile: string; keyFile: string; ca: Buffer } } = {},
): Promise<EtcdServer> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const socketDir = dirname(dataDir);
  mkdirSync(socketDir, { recursive: true });
  const scheme = options.tls ? 'https' : 'http';
  const client = options.unixSocket ? 'unix://kine.sock:12379' : `${scheme}://127.0.0.1:${clientPort}`;
  const endpoint = options.unixSocket ? `unix://${join(socketDir, 'kine.sock:12379')}` : client;
  const peer = `http://127.0.0.1:${peerPort}`;
  const healthy = () =>
    new Promise<boolean>((resolve) => {
      const done = (res: { statusCode?: number; resume(): void }) => {
        res.resume();
        resolve(res.statusCode === 200);
      };
      const req = options.unixSocket
        ? request({ socketPath: join(socketDir, 'kine.sock:12379'), path: '/health', timeout: 1000 }, done)
        : options.tls
          ? httpsRequest(`${client}/health`, { ca: options.tls.ca, timeout: 1000 }, done)
          : request(`${client}/health`, { timeout: 1000 }, done);
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
  let child: ChildProcess | undefined;
  let log = '';
  const launch = async () => {
    log = '';
    const proc = spawn(
      'etcd',
      [
        '--name=probe-test',
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${client}`,
        `--advertise-client-urls=${client}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=probe-test=${peer}`,
        ...(options.tls ? [`--cert-file=${options.tls.certFile}`, `--key-file=${options.tls.keyFile}`] : []),
      ],
      // etcd creates a unix socket relative to its working directory.
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: socketDir },
    );
    child = proc;
    proc.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    proc.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`etcd exited with ${proc.exitCode}:\n${log}`);
      if (await healthy()) return;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`etcd not healthy within 20 s:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  };
  process.once('exit', () => child?.kill('SIGKILL'));
  await launch();
  return {
    endpoint,
    stop,
    restart: launch,
    ensureRunning: async () => {
      if (!child || child.exitCode !== null || child.signalCode !== null) await launch();
    },
    async read(key) {
      const response = await fetch(`${client}/v3/kv/range`, {
        method: 'POST',
        body: JSON.stringify({ key: Buffer.from(key).toString('base64') }),
        signal: AbortSignal.timeout(5000),
      });
      const body = (await response.json()) as { kvs?: { value?: string }[] };
      const value = body.kvs?.[0]?.value;
      return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
    },
  };
}
