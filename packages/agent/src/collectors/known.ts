import type { Gauge } from 'prom-client';

/**
 * Set an unlabelled gauge, or leave it without a sample when the value is unknown. prom-client
 * gives every unlabelled gauge a 0 by default, and "index 0" or "0 bytes free" would be a lie
 * that alerts act on; an absent sample is what PromQL's absent() expects.
 */
export function setKnown(gauge: Gauge, value: number | null | undefined): void {
  if (value === undefined || value === null || !Number.isFinite(value)) gauge.remove();
  else gauge.set(value);
}

/** Start gauges with no sample (see setKnown). */
export function unknown<T extends Gauge>(gauge: T): T {
  gauge.remove();
  return gauge;
}
