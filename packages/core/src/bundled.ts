// Inside the single executable (docs/binary.md) modules are not files: its build
// (scripts/binary/build.ts) defines DQA_BUILD and stores each module a worker loads as an asset.
declare const DQA_BUILD: { version: string; commit: string } | undefined;

/**
 * The URL (data:) of the bundled ES module `name` when running as the single executable;
 * undefined when running from the workspace or an npm package, where modules are files.
 */
export function bundledModuleUrl(name: string): URL | undefined {
  if (typeof DQA_BUILD === 'undefined') return undefined;
  // node:sea exists from Node 20.12; the executable carries its own Node, and only it gets here.
  const { getAsset } = require('node:sea') as typeof import('node:sea');
  return new URL(`data:text/javascript;base64,${Buffer.from(getAsset(name)).toString('base64')}`);
}
