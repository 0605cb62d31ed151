// The single executable where there is no Node (docs/binary.md): built once for this file from the
// sources, run in a chroot that holds only it and the shared libraries ldd names, then as the agent
// image built with buildah and run with podman. chroot, buildah and podman need root (CI runs .ci/run
// as root); a step this machine refuses is skipped with the reason, the steps before it still run.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AGENT_PORT, buildImage, IMAGE, JOURNALCTL, saveImage } from '../../scripts/binary/image.js';
import { AGENT_PATH, BINARY_PATH, makeRootfs, NONROOT } from '../../scripts/binary/rootfs.js';
import { BIN as WORKSPACE_CLI } from '../cli/run-cli.js';

const REPO = new URL('../..', import.meta.url).pathname;
const BINARY = join(REPO, 'dist/dqlite-analyze-linux-x64');
const SAMPLE = join(REPO, 'examples/sample-snapshot');
const { version } = JSON.parse(readFileSync(join(REPO, 'packages/cli/package.json'), 'utf8')) as {
  version: string;
};
const isRoot = process.getuid?.() === 0;
const has = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd = '/'): Promise<Run> {
  return new Promise((resolve, reject) => {
    // No PATH, no NODE_*: only what a root shell on a node would pass.
    execFile(command, args, { cwd, env: {}, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      if (typeof code !== 'number') reject(error);
      else resolve({ code, stdout, stderr });
    });
  });
}

const inChroot = (root: string, args: string[]) => run('/usr/sbin/chroot', [root, ...args]);

/** Every path under `dir`, relative to it (directories with a trailing /). */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      out.push(relative(dir, path) + (entry.isDirectory() ? '/' : ''));
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out.sort();
}

/** An analysis without what differs between two runs of the same input: the clock. */
const figures = (json: string) => {
  const { analyzedAt: _a, timings: _t, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return rest;
};

/** Wait (bounded) until the agent's log says where it listens. */
async function listening(logs: () => string, alive: () => boolean): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(logs());
    if (match) return match[1]!;
    if (!alive()) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the agent did not listen within 30 s:\n${logs()}`);
}

/** Poll /readyz until the first analysis is in (bounded). */
async function ready(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/readyz`).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url}/readyz did not answer 200 within 60 s`);
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

let work: string;
let rootfs: string;
let built: string;

beforeAll(() => {
  // The file under test is built from the sources now, not taken from an earlier build.
  built = execFileSync(
    process.execPath,
    [join(REPO, 'node_modules/tsx/dist/cli.mjs'), 'scripts/binary/build.ts'],
    {
      cwd: REPO,
      encoding: 'utf8',
    },
  );
  work = mkdtempSync(join(tmpdir(), 'dqa-binary-test-'));
  rootfs = join(work, 'rootfs');
  makeRootfs(rootfs, { binary: BINARY });
  mkdirSync(join(rootfs, 'data'));
  cpSync(SAMPLE, join(rootfs, 'data/sample-snapshot'), { recursive: true });
  // A damaged snapshot: the sample's data directory with its snapshot cut in half.
  cpSync(SAMPLE, join(rootfs, 'data/damaged'), { recursive: true });
  const snapshot = readdirSync(join(rootfs, 'data/damaged')).find((name) => /^snapshot-[\d-]+$/.test(name))!;
  const path = join(rootfs, 'data/damaged', snapshot);
  truncateSync(path, Math.floor(statSync(path).size / 2));
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('pnpm build:binary', () => {
  test('prints the size and the SHA-256 of the file it wrote', () => {
    const sha256 = createHash('sha256').update(readFileSync(BINARY)).digest('hex');
    expect(built).toContain(`sha256 ${sha256}`);
    expect(readFileSync(`${BINARY}.sha256`, 'utf8')).toBe(`${sha256}  dqlite-analyze-linux-x64\n`);
    const mib = statSync(BINARY).size / 1024 / 1024;
    expect(built).toContain(`${mib.toFixed(1)} MiB`);
    // Node stripped of its debug information (docs/binary.md#size): ~87 MiB, not ~95.
    expect(mib).toBeLessThan(92);
  });
});

describe('the Dockerfile', () => {
  test('makes the layout pnpm build:image makes: paths, link, journalctl, user, port, entrypoint', () => {
    const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(final).toContain(`COPY --from=build /src/dist/dqlite-analyze-linux-x64 ${BINARY_PATH}\n`);
    expect(final).toContain(`RUN ln -s dqlite-analyze ${AGENT_PATH}\n`);
    // Debian's systemd package puts journalctl where image.ts copies it.
    expect(final).toMatch(/apt-get install -y --no-install-recommends systemd\b/);
    expect(JOURNALCTL).toBe('/usr/bin/journalctl');
    expect(final).toContain(`USER ${NONROOT}:${NONROOT}\n`);
    expect(final).toContain(`EXPOSE ${AGENT_PORT}\n`);
    expect(final).toContain(`ENTRYPOINT ${JSON.stringify([AGENT_PATH])}\n`);
    // No Node in the image the agent runs in: only the build stage has it.
    expect(final).not.toMatch(/node/i);
  });
});

describe.skipIf(!isRoot)('in a root filesystem with no Node (chroot; needs root)', () => {
  test('holds only the binary, its link, and the libraries ldd names', () => {
    const files = tree(rootfs).filter((path) => !path.endsWith('/') && !path.startsWith('data/'));
    expect(files).toContain(BINARY_PATH.slice(1));
    expect(files).toContain(AGENT_PATH.slice(1));
    expect(files.filter((path) => /(^|\/)(node|nodejs|libnode[^/]*)$/.test(path))).toEqual([]);
    expect(
      files.filter((path) => !/^(lib|lib64|usr\/lib)\/|^etc\/(passwd|group)$|^usr\/local\/bin\//.test(path)),
    ).toEqual([]);
  });

  test('--version prints the version and the commit it was built from', async () => {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: REPO,
      encoding: 'utf8',
    }).trim();
    for (const args of [
      [BINARY_PATH, '--version'],
      [BINARY_PATH, 'agent', '--version'],
      [AGENT_PATH, '--version'],
    ]) {
      const result = await inChroot(rootfs, args);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toMatch(
        new RegExp(`^${version.replaceAll('.', '\\.')}\\+${head}(-dirty)?$`),
      );
    }
  });

  test('analyses the sample data directory with the same figures as the workspace build', async () => {
    const binary = await inChroot(rootfs, [BINARY_PATH, 'data/sample-snapshot', '--format', 'json']);
    // The same relative path from the same directory, so source paths agree too.
    const workspace = await run(
      process.execPath,
      [WORKSPACE_CLI, 'data/sample-snapshot', '--format', 'json'],
      rootfs,
    );
    expect(binary.stderr).toBe('');
    expect(binary.code).toBe(workspace.code);
    const analysis = figures(binary.stdout) as { source: { kind: string }; kine: { rows: number } };
    expect(analysis.source.kind).toBe('data-dir');
    expect(analysis.kine.rows).toBeGreaterThan(10_000);
    expect(analysis).toEqual(figures(workspace.stdout));
  });

  test('exits with the documented codes on a damaged snapshot and a missing path', async () => {
    const damaged = await inChroot(rootfs, [BINARY_PATH, 'data/damaged']);
    const workspace = await run(process.execPath, [WORKSPACE_CLI, 'data/damaged'], rootfs);
    // docs/errors.md: damaged input is 65, with one line naming its DQA_* code.
    expect(damaged.code).toBe(65);
    expect(damaged.stderr).toMatch(/^dqlite-analyze: DQA_[A-Z0-9_]+: .+\n/);
    expect(damaged.stderr).toBe(workspace.stderr);
    expect(damaged.stdout).toBe('');
    const missing = await inChroot(rootfs, [BINARY_PATH, 'data/missing']);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/^dqlite-analyze: DQA_INPUT_NOT_FOUND: /);
  });

  test('dqlite-analyze agent serves /metrics on 127.0.0.1 and stops on SIGTERM leaving nothing behind', async () => {
    const before = tree(rootfs);
    const json = await inChroot(rootfs, [BINARY_PATH, 'data/sample-snapshot', '--format', 'json']);
    const rows = (JSON.parse(json.stdout) as { kine: { rows: number } }).kine.rows;
    const child = spawn(
      '/usr/sbin/chroot',
      [rootfs, BINARY_PATH, 'agent', '--data-dir', '/data/sample-snapshot', '--listen', '127.0.0.1:0'],
      { env: {}, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let logs = '';
    child.stdout.on('data', (data: Buffer) => {
      logs += data.toString();
    });
    child.stderr.on('data', (data: Buffer) => {
      logs += data.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await listening(
        () => logs,
        () => child.exitCode === null,
      );
      await ready(url);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metric(metrics, 'dqlite_kine_rows')).toBe(rows);
      // The addon's directory went as soon as the addon was loaded: only the agent's own private
      // directory (copies of the snapshot) is in /tmp while it runs.
      expect(readdirSync(join(rootfs, 'tmp')).filter((name) => name.startsWith('dqlite-analyze-'))).toEqual(
        [],
      );
    } finally {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    expect(await exited).toBe(0);
    clearTimeout(timer);
    expect(logs).toContain('"signal":"SIGTERM"');
    expect(readdirSync(join(rootfs, 'tmp'))).toEqual([]);
    expect(tree(rootfs)).toEqual(before);
  });
});

// Each step needs the one before it; a step the machine refuses says why and skips what follows.
// Lower than the machine's limits: raising them needs CAP_SYS_RESOURCE, which a sandbox (this
// one) may not grant ("setrlimit RLIMIT_NOFILE: Operation not permitted"); the agent needs few.
const LIMITS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];

describe.skipIf(!isRoot)('the agent image (buildah, podman; needs root)', () => {
  let store: string;
  let buildah: string[];
  let podman: string[];
  let data: string;
  let image: string | undefined;
  let refused: string | undefined;

  beforeAll(() => {
    store = join(work, 'containers');
    // A private store, so the test neither uses nor leaves images in the machine's own; vfs needs
    // no overlay mount.
    const storage = [
      '--root',
      join(store, 'root'),
      '--runroot',
      join(store, 'run'),
      '--storage-driver',
      'vfs',
    ];
    buildah = storage;
    // runc: crun refuses hybrid cgroup hierarchies ("cgroups in hybrid mode not supported"), as here.
    podman = [...storage, ...(has('runc') ? ['--runtime', 'runc'] : [])];
    // Readable by the image's default user (65532), as group-readable backend files would be.
    data = join(work, 'image-data');
    cpSync(SAMPLE, data, { recursive: true });
    execFileSync('chmod', ['-R', 'a+rX', data]);
  });

  afterAll(() => {
    if (!store) return;
    try {
      execFileSync('podman', [...podman, 'rm', '--all', '--force'], { stdio: 'ignore' });
      execFileSync('podman', [...podman, 'rmi', '--all', '--force'], { stdio: 'ignore' });
    } catch {}
  });

  test('buildah commits the root filesystem and the binary as an OCI image, pulling nothing', (context) => {
    if (!has('buildah')) return context.skip('buildah is not installed (Debian package buildah)');
    try {
      image = buildImage({ binary: BINARY, buildahArgs: buildah });
    } catch (error) {
      refused = `buildah failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`;
      return context.skip(refused);
    }
    const config = JSON.parse(
      execFileSync('buildah', [...buildah, 'inspect', '--type', 'image', IMAGE], { encoding: 'utf8' }),
    ) as { OCIv1: { config: { User: string; Entrypoint: string[]; ExposedPorts: Record<string, unknown> } } };
    expect(config.OCIv1.config.User).toBe(`${NONROOT}:${NONROOT}`);
    expect(config.OCIv1.config.Entrypoint).toEqual([AGENT_PATH]);
    expect(Object.keys(config.OCIv1.config.ExposedPorts)).toEqual([`${AGENT_PORT}/tcp`]);
  });

  test('saves it as the archive microk8s ctr image import reads, under the DaemonSet image name', (context) => {
    if (!image) return context.skip(refused ?? 'no image: the buildah step did not run');
    const archive = join(work, 'dqlite-agent.tar');
    saveImage(archive, buildah);
    const manifest = JSON.parse(
      execFileSync('tar', ['-xOf', archive, 'manifest.json'], { encoding: 'utf8' }),
    ) as {
      RepoTags: string[];
    }[];
    expect(manifest[0]!.RepoTags).toEqual([IMAGE]);
    const daemonset = readFileSync(join(REPO, 'deploy/kubernetes/daemonset.yaml'), 'utf8');
    // containerd reads `image: dqlite-agent:X` as docker.io/library/dqlite-agent:X.
    expect(`docker.io/library/${/image: (\S+)/.exec(daemonset)![1]}`).toBe(IMAGE);
  });

  test('podman runs it as 65532 on 127.0.0.1 with the data read-only; /metrics; SIGTERM stops it', async (context) => {
    if (!image) return context.skip(refused ?? 'no image: the buildah step did not run');
    if (!has('podman')) return context.skip('podman is not installed (Debian package podman)');
    const name = `dqa-binary-test-${process.pid}`;
    const json = await run(BINARY, [data, '--format', 'json']);
    const rows = (JSON.parse(json.stdout) as { kine: { rows: number } }).kine.rows;
    const args = [
      ...podman,
      'run',
      '--detach',
      '--pull=never',
      '--name',
      name,
      '--network',
      'host',
      ...LIMITS,
      '--volume',
      `${data}:/data:ro`,
      IMAGE,
      '--data-dir',
      '/data',
      '--listen',
      '127.0.0.1:0',
    ];
    try {
      execFileSync('podman', args, { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      return context.skip(`podman run refused: ${(error as { stderr?: string }).stderr}`);
    }
    const logs = () => {
      try {
        return execFileSync('podman', [...podman, 'logs', name], { encoding: 'utf8', stdio: 'pipe' });
      } catch {
        return '';
      }
    };
    const inspect = () =>
      JSON.parse(execFileSync('podman', [...podman, 'inspect', name], { encoding: 'utf8' }))[0] as {
        State: { Running: boolean; ExitCode: number; Pid: number };
        Mounts: { Destination: string; RW: boolean }[];
      };
    try {
      const url = await listening(logs, () => inspect().State.Running);
      await ready(url);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metric(metrics, 'dqlite_kine_rows')).toBe(rows);
      const state = inspect();
      expect(state.Mounts).toEqual([expect.objectContaining({ Destination: '/data', RW: false })]);
      // The agent is PID 1 of the container; the kernel says which user it runs as.
      const status = readFileSync(`/proc/${state.State.Pid}/status`, 'utf8');
      expect(/^Uid:\s+(\d+)/m.exec(status)![1]).toBe(String(NONROOT));
      // The journal source's journalctl came along with its libraries.
      if (existsSync(JOURNALCTL)) {
        const journal = execFileSync(
          'podman',
          [
            ...podman,
            'run',
            '--rm',
            '--pull=never',
            '--network',
            'none',
            ...LIMITS,
            '--entrypoint',
            JOURNALCTL,
            IMAGE,
            '--version',
          ],
          { encoding: 'utf8' },
        );
        expect(journal).toMatch(/^systemd \d+/);
      }
    } finally {
      execFileSync('podman', [...podman, 'stop', '--time', '15', name], { stdio: 'ignore' });
    }
    expect(inspect().State.ExitCode).toBe(0);
    expect(logs()).toContain('"signal":"SIGTERM"');
  });
});
