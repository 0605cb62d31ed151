// The long fuzz run's worker process (started by fuzz-long.test.ts with `node --import tsx`):
// draws inputs from each target's arbitrary in seeded batches, prints a heartbeat line before each
// case (so the parent can kill a hang and name the case that hung), saves any failing input, and
// ends with a JSON summary line. A case is reproduced by its target, seed, batch and index:
// fc.sample(target.arbitrary, { seed: seed + batch, numRuns: BATCH })[index].
import { writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyze } from '../../packages/core/src/analyze.js';
import { AnalyzerError } from '../../packages/core/src/errors.js';
import { mutated } from '../../packages/core/test/fuzz/mutate.js';
import { allTargets, type FuzzTarget, makeBases } from '../../packages/core/test/fuzz/targets.js';

export interface RunnerConfig {
  seed: number;
  /** Cases per target. */
  runs: number;
  workDir: string;
  /** A real snapshot pair and what the corpus derives from it, for the analyze() target. */
  snapshot?: { dataPath: string; metaPath: string; payloadPath: string; mergedK8sPath: string };
}

export const BATCH = 100;
const ANALYZE_MAX_MS = 20_000;
const MAX_REPORTED_FAILURES = 5;

const config = JSON.parse(process.argv[2]!) as RunnerConfig;

/** analyze() on mutated real inputs: the raw payload, the LZ4 frame, or the kine SQLite file alone. */
async function analyzeTarget(
  snapshot: NonNullable<RunnerConfig['snapshot']>,
): Promise<FuzzTarget<[string, Buffer]>> {
  const [frame, payload, merged, meta] = await Promise.all([
    readFile(snapshot.dataPath),
    readFile(snapshot.payloadPath),
    readFile(snapshot.mergedK8sPath),
    readFile(snapshot.metaPath),
  ]);
  const pageSpots = Array.from({ length: Math.floor(merged.length / 4096) }, (_, i) => i * 4096 + 100);
  const dir = join(config.workDir, 'analyze');
  const temp = join(config.workDir, 'analyze-temp');
  await mkdir(dir, { recursive: true });
  await mkdir(temp, { recursive: true });
  let serial = 0;
  return {
    name: 'analyze()',
    arbitrary: fc.oneof(
      mutated(frame).map((b) => ['snapshot', b] as [string, Buffer]),
      mutated(payload).map((b) => ['snapshot', b] as [string, Buffer]),
      mutated(merged, [0, 16, 28, 32, 36, 100, ...pageSpots]).map((b) => ['sqlite', b] as [string, Buffer]),
    ),
    async check([kind, bytes]) {
      const name = kind === 'sqlite' ? `state-${serial++}.db` : `snapshot-1-1024-${serial++}`;
      const path = join(dir, name);
      await writeFile(path, bytes);
      if (kind === 'snapshot') await writeFile(`${path}.meta`, meta);
      const started = performance.now();
      let code: string | undefined;
      try {
        await analyze(path, { tempDir: temp });
      } catch (error) {
        if (!(error instanceof AnalyzerError)) {
          throw new Error(`not an AnalyzerError: ${error instanceof Error ? error.stack : String(error)}`);
        }
        code = error.code;
      } finally {
        await rm(path, { force: true });
        await rm(`${path}.meta`, { force: true });
      }
      const elapsed = performance.now() - started;
      if (elapsed > ANALYZE_MAX_MS) throw new Error(`analyze() took ${Math.round(elapsed)} ms`);
      const left = await readdir(temp);
      if (left.length > 0) throw new Error(`left in the temp dir: ${left.join(', ')}`);
      return code as never;
    },
  };
}

function save(target: string, batch: number, index: number, input: unknown): string {
  const path = join(config.workDir, `failure-${target.replace(/\W+/g, '_')}-${batch}-${index}.json`);
  writeFileSync(
    path,
    JSON.stringify(input, (_key, value) =>
      value?.type === 'Buffer'
        ? { base64: Buffer.from(value.data).toString('base64') }
        : typeof value === 'bigint'
          ? `${value}n`
          : value,
    ),
  );
  return path;
}

const targets: FuzzTarget<never>[] = [...allTargets(makeBases(join(config.workDir, 'bases')))];
if (config.snapshot) targets.push((await analyzeTarget(config.snapshot)) as FuzzTarget<never>);

const summary: Record<string, { cases: number; outcomes: Record<string, number>; failures: string[] }> = {};
for (const target of targets) {
  const stats = { cases: 0, outcomes: {} as Record<string, number>, failures: [] as string[] };
  summary[target.name] = stats;
  for (let batch = 0; stats.cases < config.runs; batch++) {
    const inputs = fc.sample(target.arbitrary, { seed: config.seed + batch, numRuns: BATCH });
    for (const [index, input] of inputs.entries()) {
      if (stats.cases >= config.runs) break;
      process.stdout.write(
        `${JSON.stringify({ heartbeat: { target: target.name, seed: config.seed, batch, index } })}\n`,
      );
      stats.cases += 1;
      try {
        const code = (await target.check(input)) ?? 'ok';
        stats.outcomes[code] = (stats.outcomes[code] ?? 0) + 1;
      } catch (error) {
        stats.outcomes.FAILED = (stats.outcomes.FAILED ?? 0) + 1;
        // The first few are enough to act on; all of them are counted.
        if (stats.failures.length < MAX_REPORTED_FAILURES) {
          const saved = save(target.name, batch, index, input);
          stats.failures.push(
            `batch ${batch} index ${index}: ${String(error).slice(0, 1500)} (input: ${saved})`,
          );
        }
      }
    }
  }
}
process.stdout.write(`${JSON.stringify({ summary })}\n`);
