import { CANONICAL_KUBERNETES_DATA_DIR, MICROK8S_DATA_DIR } from '@dqlite-analyzer/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIRS } from '../src/cli.js';

describe('default data directories', () => {
  it("are the core's, microk8s first", () => {
    expect(DEFAULT_DATA_DIRS).toEqual([MICROK8S_DATA_DIR, CANONICAL_KUBERNETES_DATA_DIR]);
  });
});
