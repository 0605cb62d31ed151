import { ValueDecodeError, type ValueDecodeReason } from '../k8s/decode-error.js';
import { classifyValue } from '../k8s/value.js';

/** What happened when the analyzer decoded the latest values of one resource. */
export interface DecodeStats {
  /** Storage prefix, e.g. `leases`, `crd.projectcalico.org/ipamhandles`. */
  prefix: string;
  /** Values read. */
  values: number;
  decoded: number;
  /** `k8s:enc:` values: encrypted at rest, so not readable; not an error. */
  encrypted: number;
  /** Values that could not be decoded, by reason. Never fatal. */
  failed: number;
  reasons: Partial<Record<ValueDecodeReason, number>>;
  /** Up to three keys that failed, to look at by hand. */
  failedKeys: string[];
}

const FAILED_KEYS_KEPT = 3;

/** A counter for one prefix; `decode` returns undefined for a value it could not read. */
export interface DecodeCounter {
  stats: DecodeStats;
  /** `value` null: longer than VALUE_READ_LIMIT, never read; counted as failed (`too-large`). */
  decode<T>(key: string, value: Uint8Array | null, decoder: (value: Uint8Array) => T): T | undefined;
}

/** Count decodes by outcome; ValueDecodeErrors are counted, anything else is a bug and rethrown. */
export function createDecodeCounter(prefix: string): DecodeCounter {
  const stats: DecodeStats = {
    prefix,
    values: 0,
    decoded: 0,
    encrypted: 0,
    failed: 0,
    reasons: {},
    failedKeys: [],
  };
  const fail = (key: string, reason: ValueDecodeReason) => {
    stats.failed++;
    stats.reasons[reason] = (stats.reasons[reason] ?? 0) + 1;
    if (stats.failedKeys.length < FAILED_KEYS_KEPT) stats.failedKeys.push(key);
    return undefined;
  };
  return {
    stats,
    decode(key, value, decoder) {
      stats.values++;
      if (value === null) return fail(key, 'too-large');
      if (classifyValue(value) === 'encrypted') {
        stats.encrypted++;
        return undefined;
      }
      try {
        const decoded = decoder(value);
        stats.decoded++;
        return decoded;
      } catch (error) {
        if (!(error instanceof ValueDecodeError)) throw error;
        return fail(key, error.reason);
      }
    },
  };
}
