// The README's quick start, as a new user runs it: two commands; the sample's analysis ends without
// a failure banner (dqlite-analyze exits 4 on the sick sample cluster, which the run explains), and
// the documented command exists afterwards. .ci/run checks the install step of a fresh clone (no
// "Ignored build scripts" box, no bin that could not be linked); this file checks the rest.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const FAILURE_BANNER = /ELIFECYCLE|Command failed|ERR_PNPM|ERR!|Failed to create bin|Ignored build scripts/;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], cwd = ROOT): Promise<Run> {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      if (typeof code !== 'number') reject(error);
      else resolve({ code, stdout, stderr });
    });
  });
}

// The pnpm running this suite (npm_execpath under `pnpm test`), else the one on PATH.
const pnpm = (args: string[]) => {
  const execPath = process.env.npm_execpath;
  return execPath?.includes('pnpm') ? run(process.execPath, [execPath, ...args]) : run('pnpm', args);
};

/** Each built file of the two programs with its inode: the same inode is the same file, never replaced. */
async function distFiles(): Promise<Record<string, number>> {
  const files: Record<string, number> = {};
  for (const program of ['cli', 'agent']) {
    const dist = join(ROOT, 'packages', program, 'dist');
    for (const name of await readdir(dist)) files[`${program}/${name}`] = (await stat(join(dist, name))).ino;
  }
  return files;
}

describe('the quick start', () => {
  it('is two commands: install and analyse the sample, then the whole suite through .ci/run', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Quick start'),
      readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1),
    );
    // The block a developer runs (the one before it copies the single executable to a node).
    const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const block = blocks.find((b) => b.includes('.ci/run'))!;
    const commands = block
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/pnpm@[\d.]+ install && npx --yes pnpm@[\d.]+ sample$/);
    expect(commands[1]).toBe('bash .ci/run');
    // The README says how to run the command afterwards, and says it the way that works.
    expect(section).toContain('npx dqlite-analyze');
  });

  it('pnpm sample analyses the sample and ends in success: the verdict first and last, no failure banner', async () => {
    const before = await distFiles();
    const result = await pnpm(['sample']);
    // Its build, from unchanged sources, replaced no file of dist: the other tests run the CLI
    // meanwhile, and one that emptied dist made them fail to load a chunk (scripts/bundle.ts).
    expect(await distFiles()).toEqual(before);
    const all = result.stdout + result.stderr;
    expect(all).not.toMatch(FAILURE_BANNER);
    expect(result.code).toBe(0);
    const report = result.stdout.slice(result.stdout.indexOf('NOT READY — '));
    const snapshot = (await readdir(join(ROOT, 'examples/sample-snapshot'))).find((f) =>
      /^snapshot-\d+-\d+-\d+$/.test(f),
    );
    expect(report.split('\n')[0]).toBe(`NOT READY — examples/sample-snapshot/${snapshot}`);
    const tail = result.stdout.trimEnd().split('\n').slice(-5);
    expect(tail).toEqual([
      'Sample analysed: NOT READY. dqlite-analyze exited 4, meaning',
      'critical findings: the documented answer for a sick cluster,',
      'which the sample reproduces on purpose.',
      'The exit codes are in README.md. In this checkout the command is',
      '  npx dqlite-analyze <snapshot file, data directory or SQLite file>',
    ]);
    // The sample is still a sick cluster: the command itself exits 4 on it.
    const direct = await run(join(ROOT, 'node_modules/.bin/dqlite-analyze'), [
      'examples/sample-snapshot',
      '--summary',
    ]);
    expect(direct.code).toBe(4);
  });

  it('dqlite-analyze --version works afterwards, as npx dqlite-analyze and from node_modules/.bin', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'packages/cli/package.json'), 'utf8')) as {
      version: string;
    };
    const [bin, npx] = await Promise.all([
      run(join(ROOT, 'node_modules/.bin/dqlite-analyze'), ['--version']),
      run('npx', ['--no-install', 'dqlite-analyze', '--version']),
    ]);
    expect(bin).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(npx).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('the launcher says what to do when the CLI is not built yet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dqa-launcher-'));
    try {
      await mkdir(join(dir, 'bin'));
      await copyFile(join(ROOT, 'packages/cli/bin/dqlite-analyze.js'), join(dir, 'bin/dqlite-analyze.js'));
      const result = await run(process.execPath, [join(dir, 'bin/dqlite-analyze.js'), '--version'], dir);
      expect(result).toEqual({
        code: 70,
        stdout: '',
        stderr:
          'dqlite-analyze: the CLI is not built yet; run `pnpm build` (or `pnpm sample`) in the checkout first\n',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('every dependency with an install script is decided on in pnpm-workspace.yaml', async () => {
    const workspace = await readFile(join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
    const listed = (key: string) => {
      const body = new RegExp(`^${key}:\\n((?:[ #].*\\n)*)`, 'm').exec(workspace)?.[1] ?? '';
      return [...body.matchAll(/^ {2}- (\S+)/gm)].map((m) => m[1]!);
    };
    const decided = new Set([...listed('onlyBuiltDependencies'), ...listed('ignoredBuiltDependencies')]);
    const store = join(ROOT, 'node_modules/.pnpm');
    const withScripts = new Set<string>();
    for (const entry of await readdir(store)) {
      const modules = join(store, entry, 'node_modules');
      const names: string[] = [];
      for (const name of await readdir(modules).catch(() => [] as string[])) {
        if (!name.startsWith('@')) names.push(name);
        else names.push(...(await readdir(join(modules, name))).map((inner) => `${name}/${inner}`));
      }
      for (const name of names) {
        const manifest = await readFile(join(modules, name, 'package.json'), 'utf8').catch(() => '');
        if (!manifest) continue;
        const scripts = (JSON.parse(manifest) as { scripts?: Record<string, string> }).scripts ?? {};
        if (scripts.preinstall || scripts.install || scripts.postinstall) withScripts.add(name);
      }
    }
    expect(withScripts.size).toBeGreaterThan(0);
    expect([...withScripts].filter((name) => !decided.has(name))).toEqual([]);
  });
});
