#!/usr/bin/env node
// The `dqlite-analyze` command. The CLI itself is dist/main.js, the bundle `pnpm build` writes; this
// launcher exists before the build, so that installing a fresh checkout can already link the
// command (pnpm skips a bin whose file is missing), and it says what to do when dist/ is not built.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (existsSync(main)) {
  await import(main.href);
} else {
  process.stderr.write(
    'dqlite-analyze: the CLI is not built yet; run `pnpm build` (or `pnpm sample`) in the checkout first\n',
  );
  process.exitCode = 70;
}
