import { describe, expect, it } from 'vitest';
import { createProgressLine } from '../src/progress.js';

describe('progress line', () => {
  it('redraws in place, throttles within a step, and erases itself', () => {
    const written: string[] = [];
    let now = 0;
    const line = createProgressLine({ write: (t: string) => written.push(t) }, true, '', () => now);
    line.listener({ step: 'extract', done: 512, total: 1024 });
    now = 10;
    line.listener({ step: 'extract', done: 768, total: 1024 });
    line.listener({ step: 'btrees', done: 0, total: 1578 });
    line.clear();
    expect(written).toEqual([
      '\r\u001b[Kreading the snapshot: 50.0% of 1.0 KiB',
      '\r\u001b[Kmeasuring tables and indexes (1,578 pages)',
      '\r\u001b[K',
    ]);
  });

  it('writes nothing when disabled (not a terminal, or --quiet)', () => {
    const written: string[] = [];
    const line = createProgressLine({ write: (t: string) => written.push(t) }, false);
    line.listener({ step: 'vacuum', done: 0, total: undefined });
    line.clear();
    expect(written).toEqual([]);
  });
});
