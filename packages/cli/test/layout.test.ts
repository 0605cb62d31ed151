import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The CLI's folders depend one way: render/ lays out report/'s model, report/ builds it and never
// imports a renderer; neither reaches back to the commands that call them.

const SRC = new URL('../src/', import.meta.url);

function importsOf(folder: string): { file: string; from: string }[] {
  return readdirSync(new URL(`${folder}/`, SRC))
    .filter((name) => name.endsWith('.ts'))
    .flatMap((name) => {
      const text = readFileSync(new URL(`${folder}/${name}`, SRC), 'utf8');
      return [...text.matchAll(/^import[^;]*?from '([^']+)'/gms)].map((m) => ({
        file: `${folder}/${name}`,
        from: m[1]!,
      }));
    });
}

describe('CLI source layout', () => {
  it('finds the imports it checks', () => {
    expect(importsOf('render').some((i) => i.from === '../report/model.js')).toBe(true);
    expect(importsOf('report').some((i) => i.from === './model.js')).toBe(true);
  });

  it('report/ imports no renderer and nothing above it', () => {
    const outward = importsOf('report').filter((i) => i.from.startsWith('../'));
    expect(outward).toEqual([]);
  });

  it('render/ imports only report/ and itself', () => {
    const outward = importsOf('render').filter(
      (i) => i.from.startsWith('../') && !i.from.startsWith('../report/'),
    );
    expect(outward).toEqual([]);
  });
});
