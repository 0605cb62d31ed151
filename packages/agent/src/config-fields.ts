import { parseGoDuration } from '@dqlite-analyzer/core';
import { ConfigError } from './errors.js';

/** Typed, validated reads of one section of the settings; every error names the full field. */
export interface FieldReader {
  string(key: string): string | undefined;
  boolean(key: string): boolean | undefined;
  /** Seconds, from a number or a Go duration ("30s", "1m30s", "500ms"); must be > 0. */
  duration(key: string): number | undefined;
  integer(key: string, min: number, max: number): number | undefined;
  stringList(key: string): string[] | undefined;
  oneOf<T extends string>(key: string, choices: readonly T[]): T | undefined;
  section(key: string, allowed: string[]): FieldReader;
}

/**
 * Read `raw` as the section `prefix`. Unknown keys are errors: a typo such as `dataDirectory`
 * would otherwise leave the default in force without a word.
 */
export function readSection(raw: unknown, prefix: string, allowed: string[]): FieldReader {
  const name = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw new ConfigError(prefix, 'expected a mapping of settings');
  }
  const values = (raw ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(values)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(name(key), `unknown setting (known here: ${allowed.join(', ')})`);
    }
  }
  const get = (key: string) => (values[key] === null ? undefined : values[key]);
  return {
    string(key) {
      const value = get(key);
      if (value === undefined) return undefined;
      if (typeof value !== 'string' || value.trim() === '') {
        throw new ConfigError(name(key), `expected a non-empty string, got ${JSON.stringify(value)}`);
      }
      return value;
    },
    boolean(key) {
      const value = get(key);
      if (value === undefined || typeof value === 'boolean') return value;
      // The environment only has strings.
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      throw new ConfigError(name(key), `expected true or false, got ${JSON.stringify(value)}`);
    },
    duration(key) {
      const value = get(key);
      if (value === undefined) return undefined;
      const seconds =
        typeof value === 'number' ? value : typeof value === 'string' ? parseGoDuration(value) : undefined;
      if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) {
        throw new ConfigError(
          name(key),
          `expected a positive duration such as 30s, 5m or 500ms, got ${JSON.stringify(value)}`,
        );
      }
      return seconds;
    },
    integer(key, min, max) {
      const value = get(key);
      if (value === undefined) return undefined;
      const number = typeof value === 'string' ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
        throw new ConfigError(
          name(key),
          `expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
        );
      }
      return number;
    },
    stringList(key) {
      const value = get(key);
      if (value === undefined) return undefined;
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
        throw new ConfigError(
          name(key),
          `expected a list of non-empty strings, got ${JSON.stringify(value)}`,
        );
      }
      return value as string[];
    },
    oneOf(key, choices) {
      const value = get(key);
      if (value === undefined) return undefined;
      if (typeof value !== 'string' || !choices.includes(value as never)) {
        throw new ConfigError(
          name(key),
          `expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}`,
        );
      }
      return value as (typeof choices)[number];
    },
    section(key, sectionAllowed) {
      return readSection(get(key), name(key), sectionAllowed);
    },
  };
}
