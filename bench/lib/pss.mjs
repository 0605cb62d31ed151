// The peak of a process tree's summed Pss (proportional set size), sampled every 10 ms from
// /proc/<pid>/smaps_rollup. Summed RSS counts a page every process maps (Node's binary) once per
// process; Pss divides each shared page among the processes that map it, so the sum counts it once.
// Linux only (smaps_rollup since 4.14); elsewhere the peak stays null.
import { readFileSync } from 'node:fs';
import { treeOf } from './proc.mjs';

const INTERVAL_MS = 10;

/** Pss of one process in kB, or 0 once it has gone. */
function pssKb(pid) {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Start sampling the tree under `pid`. `stop()` ends the sampling (it may be called again) and
 * returns the peak of the summed Pss in MB (1 MB = 1,048,576 bytes, as the RSS columns), or null if
 * no sample could be read.
 */
export function samplePss(pid) {
  let peakKb = null;
  const sample = () => {
    const kb = treeOf(pid).reduce((sum, p) => sum + pssKb(p), 0);
    if (kb > 0 && (peakKb === null || kb > peakKb)) peakKb = kb;
  };
  sample();
  const timer = setInterval(sample, INTERVAL_MS);
  let stopped = false;
  return {
    stop() {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
      }
      return peakKb === null ? null : peakKb / 1024;
    },
  };
}
