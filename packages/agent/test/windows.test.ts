import { describe, expect, it } from 'vitest';
import { type LockSignal, type LockWindow, LockWindows } from '../src/lock/windows.js';

const signal = (at: number, tries?: number, key = '/registry/leases/kube-system/x'): LockSignal => ({
  source: 'logs',
  at,
  tries,
  key,
  prefix: 'leases',
  database: 'k8s',
});

describe('LockWindows', () => {
  it('groups signals closer than the gap and closes a window after the gap', () => {
    let now = 0;
    const windows = new LockWindows({ gapSeconds: 5, now: () => now });
    const closed: LockWindow[] = [];
    windows.on('close', (window: LockWindow) => closed.push(window));
    for (const at of [1000, 1500, 4000, 8500]) windows.record(signal(at, 500));
    now = 13_000; // 4.5 s after the last signal: still open
    windows.tick();
    expect(closed).toHaveLength(0);
    expect(windows.recent()[0]).toMatchObject({ open: true, count: 4 });
    now = 13_600;
    windows.tick();
    expect(closed).toEqual([
      expect.objectContaining({
        start: 1000,
        end: 8500,
        count: 4,
        maxTries: 500,
        open: false,
        snapshot: null,
      }),
    ]);
  });

  it('starts a new window after a gap and keeps sources apart', () => {
    const windows = new LockWindows({ gapSeconds: 1, now: () => 100_000 });
    windows.record(signal(0, 3));
    windows.record(signal(2500, 7, '/registry/leases/kube-system/y'));
    windows.record({ ...signal(2600), source: 'probe' });
    windows.flush();
    const recent = windows.recent();
    expect(recent.map((w) => [w.source, w.start, w.count])).toEqual([
      ['probe', 2600, 1],
      ['logs', 2500, 1],
      ['logs', 0, 1],
    ]);
    expect(recent[1]?.keys).toEqual(['/registry/leases/kube-system/y']);
  });

  it('names the snapshot written during the window', () => {
    const windows = new LockWindows({
      gapSeconds: 1,
      timeline: {
        snapshotDuring: (start, end) => (start <= 20 && end >= 10 ? 'snapshot-1-2048-99' : undefined),
      },
    });
    windows.record(signal(15));
    windows.flush();
    expect(windows.recent()[0]?.snapshot).toBe('snapshot-1-2048-99');
  });

  it('keeps a bounded number of closed windows', () => {
    const windows = new LockWindows({ gapSeconds: 1, keep: 3 });
    for (let i = 0; i < 10; i++) windows.record(signal(i * 10_000));
    windows.flush();
    expect(windows.recent().map((w) => w.start)).toEqual([90_000, 80_000, 70_000]);
  });
});
