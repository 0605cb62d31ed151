// Every file a tracked script imports is tracked too: a clean clone (CI's, a user's) must run what the
// README documents. bench/run.mjs imported bench/lib/pss.mjs, which `.gitignore`'s `lib/` (meant for
// tsc's output) kept out of git: `node bench/run.mjs` failed on every clone but the one it was written in.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const tracked = new Set(
  execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean),
);
// Relative specifiers of static imports, re-exports and dynamic imports with a literal.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;
const SCRIPTS = [...tracked].filter((path) => /^(bench|scripts|\.ci)\/.*\.(mjs|js|ts)$/.test(path));

describe('tracked scripts', () => {
  it('finds the scripts (bench/run.mjs among them)', () => {
    expect(SCRIPTS).toContain('bench/run.mjs');
  });

  it('import only tracked files', () => {
    const untracked: string[] = [];
    for (const script of SCRIPTS) {
      const source = readFileSync(join(ROOT, script), 'utf8');
      for (const [, , specifier] of source.matchAll(SPECIFIER)) {
        const target = relative(ROOT, resolve(ROOT, dirname(script), specifier!));
        // A .js specifier in TypeScript names the .ts file beside it.
        const candidates = [target, target.replace(/\.js$/, '.ts')];
        if (!candidates.some((c) => tracked.has(c)))
          untracked.push(
            `${script} → ${specifier}${existsSync(join(ROOT, target)) ? ' (on disk, not in git)' : ''}`,
          );
      }
    }
    expect(untracked).toEqual([]);
  });
});
