// vitest globalSetup of the e2e project: the tests here run the built programs
// (packages/{cli,agent}/dist/main.js, scripts/bundle.ts), so a bundle older than any source it is
// made of would test yesterday's code. Refuse that before any test runs, and say what to do.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLES: Record<string, string[]> = {
  'packages/cli/dist/main.js': ['packages/core/src', 'packages/cli/src'],
  'packages/agent/dist/main.js': ['packages/core/src', 'packages/agent/src'],
};

/** The newest file under `dir` (bounded: our own source trees). */
function newest(dir: string): { path: string; mtimeMs: number } {
  let found = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(path);
    if (mtimeMs > found.mtimeMs) found = { path, mtimeMs };
  }
  return found;
}

export function setup(): void {
  for (const [bundle, sources] of Object.entries(BUNDLES)) {
    const built = statSync(join(ROOT, bundle), { throwIfNoEntry: false });
    for (const dir of sources) {
      const source = newest(join(ROOT, dir));
      if (!built || built.mtimeMs < source.mtimeMs) {
        throw new Error(
          `${bundle} is ${built ? `older than ${source.path.slice(ROOT.length)}` : 'missing'}: run \`pnpm build\` first (the e2e tests run the built programs)`,
        );
      }
    }
  }
}
