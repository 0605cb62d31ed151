import { AnalyzerError } from './errors.js';

// Our WebAssembly modules (raft/lz4.wat so far): each is compiled once per thread and instantiated
// per user, which gets its own fixed memory. One instance at a time per analysis: V8 reserves ~10 GiB
// of address space for each, so under a `ulimit -v` every live one counts (SQLite's WAL checksum,
// fsm/wal.ts, stays JavaScript for that reason: in WebAssembly beside the LZ4 decoder the sample
// needed a limit of 24 GiB instead of 12, for 10-20 ms; bench/RESULTS.md, sixth pass).
// The part of the WebAssembly JS API used (webassembly.github.io/spec/js-api) is typed here: Node
// has it (V8's), @types/node 20 does not declare it, and the DOM lib declares far more than Node has.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

const compiled = new Map<string, object>();

/**
 * A new instance of the module whose bytes are `base64` (a generated *-wasm.ts), for `what` (it
 * names the failure); `T` types its exports. V8 reserves ~10 GiB of address space for each
 * instance's memory, so a low `ulimit -v` fails here: DQA_ADDRESS_SPACE_LIMIT, not a bug.
 */
export function wasmInstance<T>(base64: string, what: string): T {
  let module = compiled.get(base64);
  if (!module) {
    module = new Module(Buffer.from(base64, 'base64'));
    compiled.set(base64, module);
  }
  try {
    return new Instance(module).exports as T;
  } catch (error) {
    // V8's words: "WebAssembly.Instance(): Out of memory: Cannot allocate Wasm memory for new instance".
    if (error instanceof RangeError && /Cannot allocate Wasm memory/.test(error.message)) {
      throw new AnalyzerError(
        'DQA_ADDRESS_SPACE_LIMIT',
        `cannot reserve the memory of the ${what}: the limit of virtual memory (ulimit -v) is too low`,
        {},
        { cause: error },
      );
    }
    throw error;
  }
}
