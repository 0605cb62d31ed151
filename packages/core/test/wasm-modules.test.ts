import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedPath, WASM_MODULES, wasmModuleText } from '../../../scripts/wasm.js';

// What each WebAssembly module computes is tested beside its user (raft/lz4-*.test.ts,
// fsm/wal.test.ts); here that the bytes they run are their committed sources, assembled.
describe('WebAssembly modules', () => {
  for (const module of WASM_MODULES) {
    it(`${module.generated} holds ${module.source} as wat2wasm assembles it (pnpm build:wasm)`, () => {
      expect(readFileSync(generatedPath(module), 'utf8')).toBe(wasmModuleText(module));
    });
  }
});
