import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { metricCatalogue } from './metric-catalogue.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The rows of the README's "Metrics of the agent" table: name, type and label names. */
function documented(): { name: string; type: string; labelNames: string[] }[] {
  const section = readme.slice(readme.indexOf('### Metrics of the agent'));
  const rows: { name: string; type: string; labelNames: string[] }[] = [];
  for (const line of section.split('\n')) {
    const cells = /^\| `(dqlite_[a-z_]+)` \| (\w+) \| ([^|]*) \|/.exec(line);
    if (!cells) {
      if (rows.length > 0 && !line.startsWith('|')) break;
      continue;
    }
    const [, name, type, labels] = cells;
    // Label names are the code spans outside parentheses (inside them: the values they take);
    // "same" repeats the row above.
    const names = [...labels!.replace(/\([^)]*\)/g, '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
    rows.push({
      name: name!,
      type: type!,
      labelNames: labels!.trim() === 'same' ? rows[rows.length - 1]!.labelNames : names,
    });
  }
  return rows;
}

describe("the README's metrics table", () => {
  it('lists every metric the agent registers, in scrape order, with its type and labels', async () => {
    const rows = documented();
    expect(rows.length).toBeGreaterThan(50);
    expect(rows).toEqual(await metricCatalogue());
  });
});
