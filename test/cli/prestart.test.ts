// The CLI starts its analysis child before it parses its arguments (cli/src/analysis-child.ts
// prestartAnalysis), so the child's start-up overlaps its own. Each Node process of a run records
// its pid and role once it runs JS (a preloaded hook): --help and --version start no child; an
// analysis uses exactly one; after a usage error no process of the run is left (one killed while
// Node starts never reaches the hook, so that is read from /proc: every process with the run's
// environment). The CLI's own process stays light: only the child loads SQLite.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const SAMPLE = new URL('../../examples/sample-snapshot/', import.meta.url).pathname;
let scratch: string;
let hook: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-prestart-'));
  hook = join(scratch, 'hook.mjs');
  // Each process logs its start, and (a module resolve hook, in its loader thread) every import
  // of better-sqlite3 it resolves: the core's analysis modules import it at load.
  const resolveHook = join(scratch, 'resolve-hook.mjs');
  await writeFile(
    resolveHook,
    `import { appendFileSync } from 'node:fs';
let where;
export function initialize(data) { where = data; }
export async function resolve(specifier, context, next) {
  if (specifier === 'better-sqlite3') appendFileSync(where.log, where.pid + ' ' + where.role + ' sqlite\\n');
  return next(specifier, context);
}\n`,
  );
  await writeFile(
    hook,
    `import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
const role = process.argv.includes('__analysis-child') ? 'child' : 'cli';
const log = process.env.DQA_TEST_STARTS;
appendFileSync(log, process.pid + ' ' + role + '\\n');
if (process.env.DQA_TEST_RESOLVE) register(pathToFileURL(${JSON.stringify(resolveHook)}), { data: { log, role, pid: process.pid } });\n`,
  );
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

// `resolve`: also log the imports of better-sqlite3 (a loader hook thread in every process).
async function starts(args: string[], name: string, resolve = false) {
  const log = join(scratch, name);
  await writeFile(log, '');
  const result = await runCli(args, {
    NODE_OPTIONS: `--import=${hook}`,
    DQA_TEST_STARTS: log,
    ...(resolve ? { DQA_TEST_RESOLVE: '1' } : {}),
  });
  const lines = (await readFile(log, 'utf8')).trim().split('\n');
  const children = lines.filter((line) => line.endsWith(' child')).map((line) => Number(line.split(' ')[0]));
  return { result, children, lines };
}

// Processes whose environment names this run's log (DQA_TEST_STARTS): the CLI, its child, the
// child's orphan watch.
function processesOfRun(log: string): number[] {
  const marker = `DQA_TEST_STARTS=${log}\0`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('the analysis child starts before the arguments are parsed', () => {
  it('--help and --version start none', async () => {
    for (const [args, name] of [
      [['--help'], 'help'],
      [['--version'], 'version'],
      [['compare', '--help'], 'compare-help'],
    ] as const) {
      const { result, children } = await starts([...args], name);
      expect(result.code, result.stderr).toBe(0);
      expect(children).toEqual([]);
    }
  });

  it('a usage error ends the child it started before it exits, and says only the usage error', async () => {
    for (const [args, name] of [
      [[SAMPLE, '--format', 'xml'], 'usage-format'],
      [['compare', SAMPLE], 'usage-compare'],
    ] as const) {
      const { result } = await starts([...args], name);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/^dqlite-analyze: .* \(run with --help for usage\)\n$/);
      expect(processesOfRun(join(scratch, name))).toEqual([]);
    }
  });

  it('an analysis runs in the one child started first', async () => {
    const { result, children } = await starts([SAMPLE, '--format', 'json', '--fail-on', 'none'], 'analysis');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).kine.rows).toBeGreaterThan(0);
    expect(children).toHaveLength(1);
  });

  it("the CLI's own process never loads SQLite: only its child analyses, in every format", async () => {
    for (const format of ['json', 'text', 'markdown', 'html']) {
      const out = join(scratch, `report.${format}`);
      const { result, lines } = await starts(
        [SAMPLE, '-o', out, '--format', format, '--fail-on', 'none'],
        format,
        true,
      );
      expect(result.code, result.stderr).toBe(0);
      // The renderers import from core/report-values, not the core's index (which loads SQLite).
      expect(lines.filter((line) => line.endsWith(' sqlite')).map((line) => line.split(' ')[1])).toEqual([
        'child',
      ]);
    }
  });
});
