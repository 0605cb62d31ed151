// Does a change keep every figure? Runs two builds on the same inputs and compares their JSON byte
// for byte, once the fields that must differ between two runs are taken out (`timings`,
// `analyzedAt`):
//
//   node bench/same-output.mjs BASELINE/packages/cli/dist/main.js [input ...] [-- extra CLI options]
//
// Inputs default to the repo's sample snapshot (as a data directory and as one file) and the cached
// benchmark snapshots (.bench-cache/*/snapshot-*). Exits 1 on the first difference, naming the
// first differing line. Both builds get the same options (after `--`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE } from './generate.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const OURS = join(ROOT, 'packages/cli/dist/main.js');

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const extra = dash >= 0 ? args.slice(dash + 1) : [];
const [baseline, ...named] = dash >= 0 ? args.slice(0, dash) : args;
if (!baseline || !existsSync(baseline)) {
  process.stderr.write('usage: node bench/same-output.mjs BASELINE/packages/cli/dist/main.js [input ...]\n');
  process.exit(2);
}

function defaultInputs() {
  const sampleDir = join(ROOT, 'examples/sample-snapshot');
  const sample = readdirSync(sampleDir).find((f) => /^snapshot-\d+-\d+-\d+$/.test(f));
  const cached = existsSync(CACHE)
    ? readdirSync(CACHE)
        .filter((d) => existsSync(join(CACHE, d, 'manifest.json')))
        .flatMap((d) =>
          readdirSync(join(CACHE, d))
            .filter((f) => /^snapshot-\d+-\d+-\d+$/.test(f))
            .map((f) => join(CACHE, d, f)),
        )
    : [];
  return [sampleDir, join(sampleDir, sample), ...cached];
}

// The figures without what differs from run to run by design.
function comparable(stdout) {
  const analysis = JSON.parse(stdout);
  const strip = (a) => {
    delete a.timings;
    delete a.analyzedAt;
  };
  strip(analysis);
  if (analysis.analysis) strip(analysis.analysis);
  return JSON.stringify(analysis, null, 2);
}

function run(cli, input, options, work) {
  const result = spawnSync(
    'node',
    [cli, input, '--format', 'json', '--quiet', '--temp-dir', work, ...options],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// One input through both builds: null when the outputs agree, else what differs.
function difference(input, work) {
  const a = run(baseline, input, extra, work);
  const b = run(OURS, input, extra, work);
  if (a.code !== b.code || a.stderr !== b.stderr)
    return `exit ${a.code} vs ${b.code}\n${a.stderr}\n${b.stderr}`;
  const [x, y] = [comparable(a.stdout), comparable(b.stdout)];
  if (x === y) return null;
  const xs = x.split('\n');
  const ys = y.split('\n');
  const at = xs.findIndex((line, i) => line !== ys[i]);
  return `line ${at + 1}\n- ${xs[at]}\n+ ${ys[at]}`;
}

const work = mkdtempSync(join(tmpdir(), 'dqa-same-output-'));
let failed = false;
try {
  for (const input of named.length ? named : defaultInputs()) {
    const label = `${input} ${extra.join(' ')}`.trim();
    const different = difference(input, work);
    process.stdout.write(different ? `DIFFERENT ${label}: ${different}\n` : `same ${label}\n`);
    failed ||= different !== null;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
