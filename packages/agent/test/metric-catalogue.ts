import { Registry } from 'prom-client';
import { type AgentParts, registerCollectors } from '../src/collectors/index.js';

/** One metric as the agent registers it. */
export interface CatalogueEntry {
  name: string;
  type: string;
  labelNames: string[];
}

/**
 * Every metric the agent registers, in scrape order, read from a registry the collectors were
 * created on (nothing is listed by hand). `probe` and `journal`: whether those parts are configured
 * (their metrics exist only then); default both.
 */
export async function metricCatalogue(
  configured: { probe?: boolean; journal?: boolean } = {},
): Promise<CatalogueEntry[]> {
  // The collectors only subscribe at creation; nothing is read until a scrape.
  const part = { on: () => part };
  const parts = {
    version: '0.0.0-test',
    watcher: part,
    runner: part,
    windows: part,
    logs: part,
    poller: part,
    journal: configured.journal === false ? undefined : part,
    probe: configured.probe === false ? undefined : part,
  } as unknown as AgentParts;
  const registry = new Registry();
  registerCollectors(registry, parts);
  return (await registry.getMetricsAsJSON()).map(({ name, type }) => ({
    name,
    type: String(type),
    labelNames: [
      ...((registry.getSingleMetric(name) as unknown as { labelNames: string[] }).labelNames ?? []),
    ],
  }));
}
