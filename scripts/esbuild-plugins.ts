// esbuild plugins shared by the bundles of `pnpm build` (scripts/bundle.ts) and the single
// executable's (scripts/binary/build.ts).
import { readFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';

/**
 * Our sources load some modules on first use with createRequire(import.meta.url)(name) (yaml in
 * core/src/checks/rbac-gap.ts), which a bundle cannot follow: resolved from the bundle's own
 * location the name may not be there (a dependency of the core, not of the CLI), and a data: URL
 * has no location at all. It becomes require(name), which esbuild bundles and still runs only when reached.
 */
export const lazyRequire: Plugin = {
  name: 'lazy-require',
  setup(b) {
    b.onLoad({ filter: /packages\/[a-z]+\/(dist|lib)\/.*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      return { contents: source.replaceAll('createRequire(import.meta.url)(', 'require('), loader: 'js' };
    });
  },
};
