import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { type Agent, createAgent, type StartOptions } from '../src/agent.js';
import { type AgentConfig, validateConfig } from '../src/config.js';
import { buildServer } from '../src/server.js';

/** A data directory written by a real dqlite node (see examples/sample-snapshot/README.md). */
export const SAMPLE_DIR = new URL('../../../examples/sample-snapshot/', import.meta.url).pathname;

/** A private copy of the sample data directory (the agent must never need write access, but tests mutate it). */
export function copySample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-test-'));
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  rmSync(join(dir, 'README.md'), { force: true });
  return dir;
}

export interface TestAgent {
  agent: Agent;
  app: FastifyInstance;
  config: AgentConfig;
  stop(): Promise<void>;
}

const silent = { info() {}, warn() {} };

/** The agent and its server as main.ts wires them, with fast timers; not listening (use inject). */
export async function startTestAgent(
  settings: Record<string, unknown>,
  serverOptions = {},
  startOptions: Partial<StartOptions> = {},
): Promise<TestAgent> {
  const config = validateConfig({ pollInterval: 0.2, ...settings });
  const agent = createAgent(config, {
    version: '0.0.0-test',
    log: silent,
    watcherCheckMs: 100,
    logPollMs: 50,
    ...startOptions,
  });
  const app = buildServer({
    sources: agent.sources,
    token: config.token,
    analysisApi: config.analysisApi,
    staleAfterSeconds: config.analysis.staleAfterSeconds,
    ...serverOptions,
  });
  await agent.start();
  return {
    agent,
    app,
    config,
    async stop() {
      await app.close();
      await agent.stop();
    },
  };
}

/** Poll `check` every 20 ms until it returns a value other than undefined/false, or fail after `ms`. */
export async function waitFor<T>(
  check: () => T | undefined | false,
  ms = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** /metrics text parsed by an independent Prometheus text-format parser. */
export class Scrape {
  readonly families: Map<string, ParsedFamily>;
  constructor(readonly text: string) {
    this.families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
  }

  /** The value of the sample of `name` whose labels include `labels`; undefined when absent. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const family = this.families.get(name);
    const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    if (!sample) return undefined;
    return Number(sample.value ?? sample.count);
  }

  /** A histogram's observation count (`field` count) or sum, over the series whose labels include `labels`. */
  histogram(name: string, labels: Record<string, string> = {}, field: 'count' | 'sum' = 'count'): number {
    // parse-prometheus-text-format drops the labels, _sum and _count of labelled histograms, so
    // those two sample lines are read here (the format is one sample a line; promtool checks the rest).
    const suffix = `${name}_${field}`;
    let total = 0;
    for (const line of this.text.split('\n')) {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match || match[1] !== suffix) continue;
      const found = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      );
      if (Object.entries(labels).every(([k, v]) => found[k] === v)) total += Number(match[3]);
    }
    return total;
  }
}

export async function scrape(app: FastifyInstance, headers: Record<string, string> = {}): Promise<Scrape> {
  const response = await app.inject({ method: 'GET', url: '/metrics', headers });
  if (response.statusCode !== 200)
    throw new Error(`/metrics answered ${response.statusCode}: ${response.body}`);
  return new Scrape(response.body);
}
