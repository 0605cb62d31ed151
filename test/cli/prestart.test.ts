// The CLI starts its analysis child before it parses its arguments (cli/src/analysis-child.ts
// prestartAnalysis), so the child's start-up overlaps its own. Each Node process of a run records
// its pid and role once it runs JS (a preloaded hook): --help and --version start no child; an
// analysis uses exactly one; after a usage error no process of the run is left (one killed while
// Node starts never reaches the hook, so that is read from /proc: every process with the run's
// environment). The CLI's own process stays light: SQLite is mapped only in the child.
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
  await writeFile(
    hook,
    `import { appendFileSync, readFileSync } from 'node:fs';
const role = process.argv.includes('__analysis-child') ? 'child' : 'cli';
appendFileSync(process.env.DQA_TEST_STARTS, process.pid + ' ' + role + '\\n');
process.on('exit', () => {
  const sqlite = readFileSync('/proc/self/maps', 'utf8').includes('better_sqlite3.node');
  appendFileSync(process.env.DQA_TEST_STARTS, process.pid + ' ' + role + '-exit' + (sqlite ? ' sqlite' : '') + '\\n');
});\n`,
  );
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function starts(args: string[], name: string) {
  const log = join(scratch, name);
  await writeFile(log, '');
  const result = await runCli(args, { NODE_OPTIONS: `--import=${hook}`, DQA_TEST_STARTS: log });
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
      expect(result.code).toBe(0);
      expect(children).toEqual([]);
    }
  });

  it('a usage error ends the child it started before it exits, and says only the usage error', async () => {
    for (const [args, name] of [
      [[SAMPLE, '--format', 'xml'], 'usage-format'],
      [['compare', SAMPLE], 'usage-compare'],
    ] as const) {
      const { result } = await starts([...args], name);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^dqlite-analyze: .* \(run with --help for usage\)\n$/);
      expect(processesOfRun(join(scratch, name))).toEqual([]);
    }
  });

  it('an analysis runs in the one child started first', async () => {
    const { result, children } = await starts([SAMPLE, '--format', 'json', '--fail-on', 'none'], 'analysis');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).kine.rows).toBeGreaterThan(0);
    expect(children).toHaveLength(1);
  });

  it("the CLI's own process never loads SQLite: only its child analyses, in every format", async () => {
    for (const format of ['json', 'text', 'markdown', 'html']) {
      const out = join(scratch, `report.${format}`);
      const { result, lines } = await starts(
        [SAMPLE, '-o', out, '--format', format, '--fail-on', 'none'],
        format,
      );
      expect(result.code).toBe(0);
      // The renderers import from core/report-values, not the core's index (which loads SQLite).
      expect(lines.filter((line) => line.includes('-exit'))).toEqual([
        expect.stringMatching(/ child-exit sqlite$/),
        expect.stringMatching(/ cli-exit$/),
      ]);
    }
  });
});
