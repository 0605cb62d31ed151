import { readFileSync } from 'node:fs';

// Inside the single executable (docs/binary.md) modules are not files: its build
// (scripts/binary/build.ts) defines DQA_BUILD and stores each module a worker loads as an asset.
declare const DQA_BUILD: { version: string; commit: string } | undefined;

/**
 * The URL (data:) of the bundled ES module `name` when running as the single executable;
 * undefined when running from the workspace or an npm package, where modules are files.
 */
export function bundledModuleUrl(name: string): URL | undefined {
  if (typeof DQA_BUILD === 'undefined') return undefined;
  // The executable carries its own Node (20.20), which has getBuiltinModule and node:sea.
  const { getAsset } = process.getBuiltinModule('node:sea') as typeof import('node:sea');
  return new URL(`data:text/javascript;base64,${Buffer.from(getAsset(name)).toString('base64')}`);
}

/**
 * The program's version: from its package.json when running from the workspace or an npm package;
 * inside the single executable, which has no package.json beside it, the version its build defined,
 * with the commit as SemVer build metadata, e.g. 0.1.0+3f2a9c1d0b7e (docs/binary.md). `packageJson`
 * is asked only outside the executable: there modules are data: URLs, which no relative URL resolves against.
 */
export function programVersion(packageJson: () => URL): string {
  if (typeof DQA_BUILD !== 'undefined') return `${DQA_BUILD.version}+${DQA_BUILD.commit}`;
  return (JSON.parse(readFileSync(packageJson(), 'utf8')) as { version: string }).version;
}
