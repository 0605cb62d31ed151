// pnpm build:image — the agent's OCI image from the single executable, with buildah and nothing
// pulled from a registry: the root filesystem of rootfs.ts (the binary, journalctl, the shared
// libraries ldd names for them) committed as an image whose default user is not root. The
// Dockerfile builds the same layout from Debian's image (docs/agent.md#container-image).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT_PATH, makeRootfs, NONROOT } from './rootfs.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { version } = JSON.parse(readFileSync(join(root, 'packages/agent/package.json'), 'utf8')) as {
  version: string;
};

/**
 * The name the DaemonSet's `image: dqlite-agent:<version>` resolves to: containerd and kubelet
 * read an unqualified name as docker.io/library/… (microk8s ctr image import keeps this tag).
 */
export const IMAGE = `docker.io/library/dqlite-agent:${version}`;
export const AGENT_PORT = 9963;
/** Where journalctl is on Debian and in the image: the agent's journal source runs it. */
export const JOURNALCTL = '/usr/bin/journalctl';

export interface ImageOptions {
  binary: string;
  /** buildah's global options, e.g. a private --root/--runroot and --storage-driver (tests). */
  buildahArgs?: readonly string[];
}

/** Build the image from `binary` and commit it as IMAGE; returns the image id. */
export function buildImage(options: ImageOptions): string {
  const buildah = (...args: string[]) =>
    execFileSync('buildah', [...(options.buildahArgs ?? []), ...args], { encoding: 'utf8' }).trim();
  const tree = mkdtempSync(join(tmpdir(), 'dqlite-agent-rootfs-'));
  let container: string | undefined;
  try {
    makeRootfs(tree, { binary: options.binary, journalctl: existsSync(JOURNALCTL) ? JOURNALCTL : undefined });
    container = buildah('from', '--pull=never', 'scratch');
    buildah('copy', container, `${tree}/`, '/');
    buildah(
      'config',
      '--user',
      `${NONROOT}:${NONROOT}`,
      '--entrypoint',
      JSON.stringify([AGENT_PATH]),
      '--port',
      `${AGENT_PORT}/tcp`,
      '--workingdir',
      '/',
      '--label',
      `org.opencontainers.image.version=${version}`,
      '--label',
      'org.opencontainers.image.title=dqlite-agent',
      container,
    );
    return buildah('commit', '--quiet', '--format', 'oci', '--rm', container, IMAGE);
  } catch (error) {
    if (container) {
      try {
        buildah('rm', container);
      } catch {}
    }
    throw error;
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

/** Write IMAGE as a docker-archive tar, the form `microk8s ctr image import` reads. */
export function saveImage(path: string, buildahArgs: readonly string[] = []): void {
  rmSync(path, { force: true });
  execFileSync('buildah', [...buildahArgs, 'push', '--quiet', IMAGE, `docker-archive:${path}:${IMAGE}`]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const binary = join(root, 'dist/dqlite-analyze-linux-x64');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run pnpm build:binary first`);
  const id = buildImage({ binary });
  const archive = join(root, `dist/dqlite-agent-${version}.tar`);
  saveImage(archive);
  process.stdout.write(`${IMAGE} (${id.slice(0, 12)})\n${archive}\n`);
}
