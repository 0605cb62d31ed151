// What ships in deploy/ and docs/agent.md agrees with the agent: the alert rules pass promtool's
// own checks and unit tests, every metric they, the dashboard and the docs name is one the agent
// exports (and every exported metric is documented), and the manifests keep the agent read-only.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, validateConfig } from '../../packages/agent/src/config.js';
import { metricCatalogue } from '../../packages/agent/test/metric-catalogue.js';

// yaml is the agent's dependency; resolve it from there (the repository root does not declare it).
// biome-ignore lint/suspicious/noExplicitAny: manifests are walked by field name, as kubectl reads them.
type Manifest = any;
const { parse, parseAllDocuments } = createRequire(
  new URL('../../packages/agent/package.json', import.meta.url),
)('yaml') as { parse(text: string): Manifest; parseAllDocuments(text: string): { toJS(): Manifest }[] };
const path = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));
const read = (relative: string) => readFileSync(path(relative), 'utf8');
const EXPORTED = new Set((await metricCatalogue()).map((metric) => metric.name));
const havePromtool = !spawnSync('promtool', ['--version']).error;

/** dqlite_* names used in a text, histogram suffixes folded into their family. */
function metricsNamed(text: string): Set<string> {
  return new Set(
    [...text.matchAll(/\bdqlite_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')),
  );
}

describe('deploy/prometheus', () => {
  it.skipIf(!havePromtool)('passes promtool check rules and promtool test rules (Debian prometheus)', () => {
    expect(
      execFileSync('promtool', ['check', 'rules', path('deploy/prometheus/rules.yaml')], {
        encoding: 'utf8',
      }),
    ).toMatch(/SUCCESS: \d+ rules found/);
    expect(
      execFileSync('promtool', ['test', 'rules', path('deploy/prometheus/rules.test.yaml')], {
        encoding: 'utf8',
      }),
    ).toMatch(/SUCCESS/);
  });

  it('says so when promtool is missing instead of passing silently', (context) => {
    if (havePromtool) return;
    context.skip('promtool not installed: apt-get install prometheus to test the alert rules');
  });

  it('has the same groups in the PrometheusRule as in rules.yaml', () => {
    const rules = parse(read('deploy/prometheus/rules.yaml'));
    const resource = parse(read('deploy/kubernetes/prometheusrule.yaml'));
    expect(resource.spec.groups).toEqual(rules.groups);
    expect(resource.metadata.labels.release).toBe('kube-prom-stack');
  });
});

describe('metric names', () => {
  it('uses only metrics the agent exports in rules, dashboard and docs', () => {
    for (const file of [
      'deploy/prometheus/rules.yaml',
      'deploy/grafana/dashboard.json',
      'docs/agent.md',
      'README.md',
    ]) {
      const unknown = [...metricsNamed(read(file))].filter((name) => !EXPORTED.has(name));
      expect(unknown, file).toEqual([]);
    }
  });

  it('documents every metric the agent exports in the README', () => {
    const documented = metricsNamed(read('README.md'));
    expect([...EXPORTED].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('has a dashboard with unique panel ids and a query in every panel', () => {
    const dashboard = JSON.parse(read('deploy/grafana/dashboard.json'));
    const panels = dashboard.panels as { id: number; type: string; targets?: { expr: string }[] }[];
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const panel of panels.filter((p) => p.type !== 'row'))
      expect(panel.targets?.length).toBeGreaterThan(0);
  });
});

describe('deploy/kubernetes', () => {
  const documents = parseAllDocuments(
    ['namespace', 'serviceaccount', 'configmap', 'daemonset', 'service', 'servicemonitor']
      .map((name) => read(`deploy/kubernetes/${name}.yaml`))
      .join('\n---\n'),
  ).map((document): Manifest => document.toJS());
  const daemonSet = documents.find((d: Manifest) => d.kind === 'DaemonSet');
  const pod = daemonSet.spec.template.spec;
  const container = pod.containers[0];

  it('mounts every host path read-only and gives the container no privilege', () => {
    const hostVolumes = new Set(
      pod.volumes.filter((v: { hostPath?: unknown }) => v.hostPath).map((v: { name: string }) => v.name),
    );
    const hostMounts = container.volumeMounts.filter((m: { name: string }) => hostVolumes.has(m.name));
    expect(hostMounts.length).toBe(hostVolumes.size);
    for (const mount of hostMounts) expect(mount.readOnly, mount.name).toBe(true);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.resources.requests.memory).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
  });

  it('shares no host namespace and writes only to its emptyDir temp dir', () => {
    expect(pod.hostNetwork ?? false).toBe(false);
    expect(pod.hostPID ?? false).toBe(false);
    expect(pod.hostIPC ?? false).toBe(false);
    const writable = container.volumeMounts.filter((m: { readOnly?: boolean }) => m.readOnly !== true);
    expect(writable.map((m: { mountPath: string }) => m.mountPath)).toEqual(['/tmp']);
    const tmp = pod.volumes.find((v: { name: string }) => v.name === writable[0].name);
    expect(tmp.emptyDir.sizeLimit).toBeDefined();
    const config = parse(documents.find((d: Manifest) => d.kind === 'ConfigMap').data['agent.yaml']);
    expect(config.analysis.tempDir).toBe('/tmp');
    // Root only because the dqlite files are root's and 0600; without a capability, not even
    // CAP_DAC_OVERRIDE, root reads only what it owns (docs/security.md#the-agent).
    expect(pod.securityContext).toMatchObject({ runAsUser: 0, runAsGroup: 0 });
    expect(pod.securityContext.seccompProfile.type).toBe('RuntimeDefault');
  });

  it('probes the agent on its own endpoints and port, and configures it with settings it accepts', () => {
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.ports[0].containerPort).toBe(DEFAULT_PORT);
    const config = parse(documents.find((d: Manifest) => d.kind === 'ConfigMap').data['agent.yaml']);
    expect(config.dataDir).toBe(DEFAULT_DATA_DIR);
    expect(validateConfig(config).logs.journalArgs).toEqual(['--directory=/var/log/journal']);
    expect(validateConfig(parse(read('deploy/systemd/agent.yaml'))).listen.host).toBe('127.0.0.1');
    expect(pod.volumes.find((v: { name: string }) => v.name === 'backend').hostPath.path).toBe(
      DEFAULT_DATA_DIR,
    );
  });

  it('names the image the docs tell you to build and import', () => {
    const docs = read('docs/agent.md');
    expect(docs).toContain(`docker build -t ${container.image} .`);
    expect(docs).toContain('microk8s ctr image import');
  });
});

describe('deploy/systemd', () => {
  it('is hardened and keeps the data directory read-only', () => {
    const unit = read('deploy/systemd/dqlite-agent.service');
    for (const line of [
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'CapabilityBoundingSet=',
      'PrivateTmp=yes',
    ]) {
      expect(unit).toContain(line);
    }
    expect(unit).toMatch(new RegExp(`^ReadOnlyPaths=.*${DEFAULT_DATA_DIR}`, 'm'));
    expect(unit).toContain('packages/agent/dist/main.js');
  });

  it.skipIf(spawnSync('systemd-analyze', ['--version']).error !== undefined)(
    'passes systemd-analyze verify, with a low exposure score',
    () => {
      const unit = path('deploy/systemd/dqlite-agent.service');
      execFileSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
      const report = execFileSync('systemd-analyze', ['security', '--offline=yes', unit], {
        encoding: 'utf8',
      });
      // systemd scores 0 (locked down) to 10 (exposed); below 3 is its "OK" band.
      const score = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(report)?.[1]);
      expect(score).toBeLessThan(3);
    },
  );
});
