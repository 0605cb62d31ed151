import type { Analysis } from '@dqlite-analyzer/core';
import { Gauge, type Registry } from 'prom-client';
import { setKnown, unknown } from './known.js';
import type { AgentParts, Collector } from './types.js';

/** One sample of a labelled gauge: its labels and its value. */
export type Sample<L extends string> = readonly [Partial<Record<L, string | number>>, number];

/**
 * The gauges of one collector, each declared once with what it reads, so a gauge is one call here
 * (plus its README row). `update(from)` sets them all at scrape time, from figures the agent
 * already holds. Each is registered when declared: the scrape lists them in that order.
 */
export class Gauges<T> {
  readonly #updates: ((from: T) => void)[] = [];

  constructor(private readonly registry: Registry) {}

  /** An unlabelled gauge, with no sample while `read` gives null, undefined or NaN (known.ts). */
  value(name: string, help: string, read: (from: T) => number | null | undefined): void {
    const gauge = unknown(new Gauge({ name, help, registers: [this.registry] }));
    this.#updates.push((from) => setKnown(gauge, read(from)));
  }

  /** A labelled gauge holding exactly the samples `read` gives: a series that went away is removed. */
  labelled<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: (from: T) => Iterable<Sample<L>>,
  ): void {
    const gauge = new Gauge({ name, help, labelNames, registers: [this.registry] });
    this.#updates.push((from) => {
      gauge.reset();
      for (const [labels, value] of read(from)) gauge.set(labels, value);
    });
  }

  update(from: T): void {
    for (const update of this.#updates) update(from);
  }
}

/** An update that runs only when `read` gives a new object (the runner's newest analysis, say). */
export function onChange<T extends object>(
  read: () => T | undefined,
  update: (value: T) => void,
): () => void {
  let shown: T | undefined;
  return () => {
    const value = read();
    if (!value || value === shown) return;
    shown = value;
    update(value);
  };
}

/** A collector of gauges fed from the runner's newest analysis alone: set again only when it changes. */
export function cachedAnalysisCollector(
  name: string,
  sources: AgentParts,
  gauges: Gauges<Analysis>,
): Collector {
  return {
    name,
    update: onChange(
      () => sources.runner.latest,
      (analysis) => gauges.update(analysis),
    ),
  };
}
