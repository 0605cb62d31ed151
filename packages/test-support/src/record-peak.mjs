// Preloaded with NODE_OPTIONS=--import=<this file> (peak-rss.ts, bench/run.mjs): each Node process,
// the CLI or the agent and its analysis child alike (the child inherits the environment), writes its
// own peak resident memory (getrusage ru_maxrss, in bytes) at exit to DQA_TEST_PEAK_DIR/<pid>.rss.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.DQA_TEST_PEAK_DIR;
if (dir) {
  process.on('exit', () =>
    writeFileSync(join(dir, `${process.pid}.rss`), String(process.resourceUsage().maxRSS * 1024)),
  );
}
