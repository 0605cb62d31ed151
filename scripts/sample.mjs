// `pnpm sample`: the quick start's demo. Analyses the sample snapshot in examples/ exactly as
// `dqlite-analyze examples/sample-snapshot` would, then says what the exit code means. The sample is
// a sick cluster on purpose, so dqlite-analyze exits 4 (critical findings: NOT READY), the documented
// answer; the demo itself succeeded, so this script exits 0 and pnpm prints no failure banner.
// Any other exit code (a usage error, damaged input, a bug) is passed on unchanged.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../packages/cli/dist/main.js', import.meta.url));
// `pnpm sample -- --summary` passes the `--` through.
const extra = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
const args = ['examples/sample-snapshot', ...extra];
const run = spawnSync(process.execPath, [cli, ...args], {
  cwd: root,
  stdio: ['inherit', 'pipe', 'inherit'],
  env: process.stdout.isTTY && !process.env.NO_COLOR ? { ...process.env, FORCE_COLOR: '1' } : process.env,
  maxBuffer: 256 * 1024 * 1024,
});
if (run.error) throw run.error;
process.stdout.write(run.stdout);

// The verdict opens the report, which is long; say it again where the terminal ends. The first
// line may be coloured: look for the label, the longest first.
const first = run.stdout.toString('utf8').split('\n', 1)[0];
const verdict =
  ['NOT READY', 'READY WITH WARNINGS', 'READY', 'STORAGE ONLY'].find((label) => first.includes(label)) ??
  'no verdict';
// One line each, under 80 columns, after the report.
const MEANING = {
  0: ['no finding at or above --fail-on.'],
  3: ['warning findings, with --fail-on warning.'],
  4: [
    'critical findings: the documented answer for a sick cluster,',
    'which the sample reproduces on purpose.',
  ],
};
const status = run.status ?? 1;
if (status in MEANING) {
  const lines = [
    '',
    `Sample analysed: ${verdict}. dqlite-analyze exited ${status}, meaning`,
    ...MEANING[status],
    'The exit codes are in README.md. In this checkout the command is',
    '  npx dqlite-analyze <snapshot file, data directory or SQLite file>',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(0);
}
process.exit(status);
