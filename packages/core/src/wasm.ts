// Our WebAssembly modules (raft/lz4.wat, fsm/wal.wat): each is compiled once per thread and
// instantiated per user, which gets its own fixed memory. The part of the WebAssembly JS API used
// (webassembly.github.io/spec/js-api) is typed here: Node has it (V8's), @types/node 20 does not
// declare it, and the DOM lib declares far more than Node has.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

const compiled = new Map<string, object>();

/** A new instance of the module whose bytes are `base64` (a generated *-wasm.ts); `T` types its exports. */
export function wasmInstance<T>(base64: string): T {
  let module = compiled.get(base64);
  if (!module) {
    module = new Module(Buffer.from(base64, 'base64'));
    compiled.set(base64, module);
  }
  return new Instance(module).exports as T;
}
