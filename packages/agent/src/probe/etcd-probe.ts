import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { noop } from 'cockatiel';
import { Etcd3, type IOptions } from 'etcd3';
import { keyPrefix } from '../lock/log-line.js';
import type { LockWindows } from '../lock/windows.js';

export interface EtcdProbeOptions {
  endpoint: string;
  key: string;
  intervalMs: number;
  timeoutMs: number;
  /** A put or get slower than this opens a lock window (ms). */
  slowMs: number;
  tls?: { caFile: string | undefined; certFile: string | undefined; keyFile: string | undefined };
  windows: LockWindows;
}

export type ProbeOperation = 'put' | 'get';
export type ProbeFailure = 'locked' | 'timeout' | 'unavailable' | 'mismatch' | 'other';

/** One probe operation's outcome. */
export interface ProbeResult {
  operation: ProbeOperation;
  seconds: number;
  failure: ProbeFailure | undefined;
  at: number;
}

// k8s-dqlite keeps all of kine in one database, named k8s.
const KINE_DATABASE = 'k8s';

/**
 * Writes and reads back one dedicated key through the etcd v3 API that kine serves, on a timer.
 * Off by default: every put is a Raft entry and a kine row. A lock error or a slow operation is a
 * lock signal (source "probe"); an unreachable server is only a probe failure. Emits 'result'.
 */
export class EtcdProbe extends EventEmitter {
  private client: Etcd3;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private sequence = 0;
  /** Whether the last probe round succeeded. */
  up = false;
  lastSuccessAt: number | undefined;

  constructor(private readonly options: EtcdProbeOptions) {
    super();
    this.client = new Etcd3(clientOptions(options));
  }

  start(): void {
    void this.probe();
    this.timer = setInterval(() => void this.probe(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // A round is bounded by its deadlines; the extra bound keeps shutdown short whatever grpc does.
    await Promise.race([
      this.running,
      new Promise((resolve) => setTimeout(resolve, this.options.timeoutMs * 2).unref()),
    ]);
    this.client.close();
  }

  /** One round: put then get; rounds never overlap. */
  probe(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<void> {
    const value = `${process.pid}-${Date.now()}-${++this.sequence}`;
    const put = await this.timed('put', async () => {
      await this.client.put(this.options.key).value(value);
      return true;
    });
    const get =
      put &&
      (await this.timed('get', async () => (await this.client.get(this.options.key).string()) === value));
    this.up = put && get;
    if (this.up) this.lastSuccessAt = Date.now();
  }

  private async timed(operation: ProbeOperation, work: () => Promise<boolean>): Promise<boolean> {
    const started = performance.now();
    let failure: ProbeFailure | undefined;
    try {
      if (!(await work())) failure = 'mismatch';
    } catch (error) {
      failure = classify(error as Error);
    }
    const seconds = (performance.now() - started) / 1000;
    const at = Date.now();
    const result: ProbeResult = { operation, seconds, failure, at };
    this.emit('result', result);
    if (failure === 'locked' || (failure === undefined && seconds * 1000 > this.options.slowMs)) {
      this.options.windows.record({
        source: 'probe',
        at,
        key: this.options.key,
        prefix: keyPrefix(this.options.key),
        database: KINE_DATABASE,
      });
    }
    return failure === undefined;
  }
}

function clientOptions(options: EtcdProbeOptions): IOptions {
  const tls = options.tls;
  const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
  const rootCertificate = read(tls?.caFile);
  return {
    hosts: options.endpoint,
    dialTimeout: options.timeoutMs,
    // A probe measures one attempt: retries would hide failures inside the latency figure, and
    // a circuit breaker would turn an outage into instant failures.
    faultHandling: { host: () => noop, global: noop },
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + options.timeoutMs }),
    ...(rootCertificate
      ? { credentials: { rootCertificate, privateKey: read(tls?.keyFile), certChain: read(tls?.certFile) } }
      : {}),
  };
}

function classify(error: Error): ProbeFailure {
  const text = `${error.name} ${error.message}`;
  if (/database is locked/i.test(text)) return 'locked';
  if (/deadline|timed? ?out/i.test(text)) return 'timeout';
  if (/unavailable|ECONNREFUSED|No connection established|connect/i.test(text)) return 'unavailable';
  return 'other';
}
