// Every format rendered from the sample snapshot's analysis, compared with the files users would see.
// A diff here is a change in the reports: review it, then UPDATE_GOLDEN=1 to accept it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RENDERERS } from '../../src/formats.js';
import type { Format } from '../../src/terminal.js';
import { COMPARISON, CONTEXT, SAMPLE } from './fixture.js';

const golden = (name: string) => new URL(`../fixtures/golden/${name}`, import.meta.url);

// A missing golden file fails: written on request only, never because it is absent (a deleted file
// would otherwise pass and re-create itself from whatever the code renders today).
function expectGolden(name: string, actual: string): void {
  const file = golden(name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  const missing = `${name} is missing: run UPDATE_GOLDEN=1 pnpm exec vitest run ${TEST_FILE}`;
  expect(existsSync(file), missing).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const TEST_FILE = 'packages/cli/test/render/golden.test.ts';

const EXTENSIONS: Record<Exclude<Format, 'json'>, string> = { text: 'txt', markdown: 'md', html: 'html' };

describe('golden reports', () => {
  for (const [format, extension] of Object.entries(EXTENSIONS) as [Exclude<Format, 'json'>, string][]) {
    it(`${format}: the sample report`, () => {
      expectGolden(`report.${extension}`, RENDERERS[format].analysis(SAMPLE, CONTEXT));
    });
    it(`${format}: a comparison`, () => {
      expectGolden(`compare.${extension}`, RENDERERS[format].comparison(COMPARISON, CONTEXT));
    });
  }

  it('json: the first screen as `summary`, then the Analysis object unchanged (the --format json contract)', () => {
    const { summary, ...analysis } = JSON.parse(RENDERERS.json.analysis(SAMPLE, CONTEXT));
    expect(analysis).toEqual(SAMPLE);
    expect(Object.keys(summary)).toEqual(['verdict', 'findings', 'topWriter', 'storage']);
    // --summary: the same object alone.
    expect(JSON.parse(RENDERERS.json.analysis(SAMPLE, { ...CONTEXT, summary: true }))).toEqual(summary);
    expect(JSON.parse(RENDERERS.json.comparison(COMPARISON, CONTEXT))).toEqual(COMPARISON);
  });
});
