import type { ErrorCode } from '@dqlite-analyzer/core';

/**
 * A configuration value is missing or invalid. `field` names it as the YAML file spells it
 * (`probe.endpoint`), so the message points at what to fix whichever source set it.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** In the core's catalogue (kind: usage) and docs/errors.md. */
  readonly code = 'DQA_AGENT_CONFIG' satisfies ErrorCode;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
