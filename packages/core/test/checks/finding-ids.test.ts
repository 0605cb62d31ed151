import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/index.js';
import { FINDING_IDS } from '../../src/finding-id.js';

const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
// The findings table: the rows between "| id | what it says | severity |" and the next blank line.
const table = readme.slice(readme.indexOf('| id | what it says | severity |'));
const documentedIds = [...table.slice(0, table.indexOf('\n\n')).matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map(
  (m) => m[1],
);
const checkFiles = readdirSync(new URL('../../src/checks/', import.meta.url)).map((f) =>
  f.replace(/\.ts$/, ''),
);

describe('finding ids', () => {
  it('the README findings table lists exactly the FindingId union, in check order', () => {
    expect(documentedIds).toEqual([...FINDING_IDS]);
  });

  it('every id has one check, run in FINDING_IDS order, in a file named after it', () => {
    expect(CHECKS.map((c) => c.id)).toEqual([...FINDING_IDS]);
    for (const id of FINDING_IDS) expect(checkFiles).toContain(id);
  });
});
