// The built CLI run once, with the peak RSS of each of its two processes: the CLI itself and the
// analysis child it starts (core/src/child/spawn.ts), both alive at once.
import { spawn } from 'node:child_process';
import { peakRecorder } from '@dqlite-analyzer/test-support/peak-rss';
import { expect } from 'vitest';

export const CLI = new URL('../../packages/cli/dist/main.js', import.meta.url).pathname;

/** The CLI's exit code, output and peak RSS: its own (`parent`) and its analysis child's. */
export async function cliPeak(
  args: string[],
): Promise<{ status: number | null; stdout: string; parent: number; child: number }> {
  const recorder = peakRecorder();
  let cli: ReturnType<typeof spawn> | undefined;
  try {
    const result = await new Promise<{ status: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { ...process.env, ...recorder.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      cli = child;
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (c) => {
        stdout += c;
      });
      child.stderr!.on('data', (c) => {
        stderr += c;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('error', reject);
      child.on('close', (status) => {
        clearTimeout(timer);
        if (status !== 0) return reject(new Error(`CLI exited ${status}: ${stderr}`));
        resolve({ status, stdout });
      });
    });
    // Two records: a run whose analysis did not happen in a child would not measure what it says.
    const peaks = recorder.peaks();
    expect(peaks.size).toBe(2);
    const parent = peaks.get(cli!.pid!)!;
    return { ...result, parent, child: recorder.total() - parent };
  } finally {
    recorder.remove();
  }
}
