import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAnalyzerError } from '../../src/errors.js';
import { SideThread } from '../../src/sqlite/side-thread.js';

describe('SideThread', () => {
  it('out of file descriptors when it starts: DQA_OPEN_FILE_LIMIT, not an internal error', async () => {
    // Every descriptor this process may open taken, as under a low ulimit -n: Node then cannot start
    // the thread and says so only as an 'error' event, ERR_WORKER_INIT_FAILED "… failure: EMFILE".
    // This process's soft limit lowered first (util-linux prlimit; lowering needs no privilege), so
    // that what is taken is bounded whatever ulimit -n the machine has; raised back afterwards.
    const [soft, hard] = /^Max open files\s+(\S+)\s+(\S+)/m
      .exec(readFileSync('/proc/self/limits', 'utf8'))!
      .slice(1);
    const setSoft = (limit: string) =>
      execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${limit}:${hard}`]);
    const taken: number[] = [];
    let failure: unknown;
    setSoft('1024');
    try {
      try {
        for (let i = 0; i < 1024; i++) taken.push(openSync('/dev/null', 'r'));
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('EMFILE');
      }
      const side = new SideThread();
      failure = await side.run('/nonexistent', ['SELECT 1']).catch((error: unknown) => error);
    } finally {
      for (const fd of taken) closeSync(fd);
      setSoft(soft!);
    }
    expect(isAnalyzerError(failure) && failure.code).toBe('DQA_OPEN_FILE_LIMIT');
    expect((failure as Error).message).toBe(
      "cannot start the side thread: this process's (ulimit -n) limit of open files is reached (EMFILE)",
    );
  });
});
