// What every fuzz property checks besides its own invariants: the only exceptions are the core's
// typed errors (with codes from the expected family), each case ends quickly, and no single Buffer
// allocation grows with a size field read from the input.
import { AnalyzerError, type ErrorCode } from '../../src/errors.js';

/** Largest legitimate single allocation: a 4 MiB LZ4 block (plus its 4-byte prefix) and slack. */
export const MAX_ALLOCATION_BYTES = (4 << 20) + (1 << 20);
/** A generous bound for one case; a parser that loops or backtracks blows through it. */
export const MAX_CASE_MS = 2_000;

type Allocator = (size: number, ...rest: never[]) => Buffer;
const ALLOCATORS = ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const;

/**
 * Run `work` with Buffer.alloc / allocUnsafe / allocUnsafeSlow (and so Buffer.concat) watched;
 * returns the largest single request. Allocations in native code (SQLite) are not seen.
 */
export async function largestAllocation(work: () => unknown): Promise<number> {
  let largest = 0;
  const saved = new Map<string, Allocator>();
  for (const name of ALLOCATORS) {
    const original = Buffer[name] as unknown as Allocator;
    saved.set(name, original);
    (Buffer as unknown as Record<string, Allocator>)[name] = (size: number, ...rest: never[]) => {
      if (size > largest) largest = size;
      return original.call(Buffer, size, ...rest);
    };
  }
  try {
    await work();
  } finally {
    for (const name of ALLOCATORS) (Buffer as unknown as Record<string, Allocator>)[name] = saved.get(name)!;
  }
  return largest;
}

/**
 * Run one fuzz case: `work` may return or throw an AnalyzerError whose code is in `codes`;
 * anything else, a slow case or an allocation beyond the bound fails the property.
 */
export async function checkCase(
  codes: readonly ErrorCode[],
  work: () => unknown,
  maxAllocation = MAX_ALLOCATION_BYTES,
): Promise<ErrorCode | undefined> {
  let code: ErrorCode | undefined;
  const started = performance.now();
  const largest = await largestAllocation(async () => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof AnalyzerError)) {
        throw new Error(`not an AnalyzerError: ${error instanceof Error ? error.stack : String(error)}`);
      }
      if (!codes.includes(error.code)) throw new Error(`unexpected code ${error.code}: ${error.message}`);
      code = error.code;
    }
  });
  const elapsed = performance.now() - started;
  if (elapsed > MAX_CASE_MS) throw new Error(`case took ${Math.round(elapsed)} ms`);
  if (largest > maxAllocation) throw new Error(`allocated ${largest} bytes at once (bound ${maxAllocation})`);
  return code;
}
