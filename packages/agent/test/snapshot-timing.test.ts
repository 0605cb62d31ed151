import { describe, expect, it } from 'vitest';
import { SnapshotTiming } from '../src/snapshot-timing.js';

describe('SnapshotTiming', () => {
  // The event order recorded from dqlite-demo (libraft 0.15) with fs.watch on its data directory.
  it('times tmp-snapshot-T-I-TS creation to its rename, ignoring the .meta', () => {
    const timing = new SnapshotTiming();
    timing.event('tmp-snapshot-1-1024-988740.meta', 100);
    timing.event('snapshot-1-1024-988740.meta', 103);
    timing.event('tmp-snapshot-1-1024-988740', 105);
    expect(timing.inProgress()?.tmpName).toBe('tmp-snapshot-1-1024-988740');
    expect(timing.snapshotDuring(106, 106)).toBe('snapshot-1-1024-988740');
    timing.event('tmp-snapshot-1-1024-988740', 106, false); // renamed away
    expect(timing.event('snapshot-1-1024-988740', 140)).toEqual({
      name: 'snapshot-1-1024-988740',
      startedAt: 105,
      finishedAt: 140,
    });
    expect(timing.inProgress()).toBeUndefined();
    expect(timing.snapshotDuring(120, 130)).toBe('snapshot-1-1024-988740');
    expect(timing.snapshotDuring(1141, 1150)).toBeUndefined();
  });

  it("pairs dqlite's anonymous tmp-XXXXXX file with the next snapshot", () => {
    const timing = new SnapshotTiming();
    timing.event('tmp-a8Kq2Z', 10);
    expect(timing.event('snapshot-2-4096-5', 510)).toMatchObject({ startedAt: 10, finishedAt: 510 });
  });

  it('reports nothing for a snapshot whose write it did not see', () => {
    expect(new SnapshotTiming().event('snapshot-2-4096-5', 1)).toBeUndefined();
  });
});
