import { describe, expect, it } from 'vitest';
import { type ClosedSegment, entriesPerSecond, parseSegmentName } from '../src/raft/segments.js';

describe('Raft segment names', () => {
  it('parses closed and open segments as canonical/raft names them', () => {
    expect(parseSegmentName('0000000000000607-0000000000001024')).toEqual({
      kind: 'closed',
      first: 607,
      last: 1024,
    });
    expect(parseSegmentName('open-12')).toEqual({ kind: 'open', counter: 12 });
    for (const name of [
      '607-1024',
      'snapshot-1-1024-5',
      'open-',
      'metadata1',
      '0000000000000607-0000000000001024.x',
    ]) {
      expect(parseSegmentName(name)).toBeUndefined();
    }
  });

  it('computes entries per second from the segments closed in the window', () => {
    const now = 1_000_000;
    const closed: ClosedSegment[] = [
      { first: 1, last: 100, bytes: 1, closedAt: now - 3_600_000 }, // outside the window
      { first: 101, last: 600, bytes: 1, closedAt: now - 100_000 },
      { first: 601, last: 1100, bytes: 1, closedAt: now - 50_000 },
      { first: 1101, last: 1600, bytes: 1, closedAt: now },
    ];
    expect(entriesPerSecond(closed, now, 900_000)).toBeCloseTo(1000 / 100, 6);
    expect(entriesPerSecond(closed.slice(0, 2), now, 900_000)).toBeUndefined();
  });
});
