import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as thresholds from '../../src/checks/thresholds.js';

const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
const documented = Object.fromEntries(
  [...readme.matchAll(/^\| `([A-Z0-9_]+)` \| ([0-9.]+) \|/gm)].map((m) => [m[1]!, Number(m[2])]),
);

describe('README thresholds table', () => {
  it('lists every threshold constant with its current value, and nothing else', () => {
    expect(documented).toEqual({ ...thresholds });
  });
});
