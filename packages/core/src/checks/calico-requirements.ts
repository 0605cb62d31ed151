import type { Analysis } from '../analysis-types.js';
import { imageTag } from '../k8s/deployment.js';
import type { RbacNeed } from '../k8s/rbac.js';
import type { ControllerRbac } from '../scan/index.js';
import { CALICO_RELEASES, type CalicoRelease } from './calico-releases.js';

/** A permission and the controller of calico-kube-controllers that uses it. */
export interface CalicoNeed extends RbacNeed {
  /**
   * `kube-controllers` (the process itself: its configuration and ClusterInformation), a name of
   * ENABLED_CONTROLLERS (`node`, `loadbalancer`), or `migration` / `kubevirt` for the v3.32 controllers
   * that run only on conditions the snapshot does not show (a DatastoreMigration, KubeVirt installed).
   */
  controller: string;
}

const CORE_CONTROLLERS = new Set(['kube-controllers']);
const CONDITIONAL = new Set(['migration', 'kubevirt']);

// Which controller uses a resource, from the comments above each rule in the manifests ("Nodes are
// watched to monitor for deletions", "Pods are watched to check for existence as part of IPAM
// controller", "Services are monitored for service LoadBalancer IP allocation", "Needed for policy
// name migrator", "Migration controller: …", "KubeVirt VM/VMI informers for IPAM garbage collection").
function controllerOf(group: string, resource: string): string {
  if (group === 'kubevirt.io') return 'kubevirt';
  if (
    ['apps', 'migration.projectcalico.org', 'apiextensions.k8s.io', 'apiregistration.k8s.io'].includes(group)
  )
    return 'migration';
  if (resource === '*' || resource.endsWith('networkpolicies')) return 'migration';
  if (['services', 'services/status', 'namespaces'].includes(resource)) return 'loadbalancer';
  if (resource.startsWith('clusterinformations') || resource.startsWith('kubecontrollersconfigurations'))
    return 'kube-controllers';
  return 'node';
}

/**
 * What a release line needs, resource by resource: the newest patch release's rules less the verbs an
 * older patch release of the line did without. `projectcalico.org` (the aggregated API server's group,
 * granted next to `crd.projectcalico.org` from v3.32) is left out: the snapshot holds the CRD objects.
 */
export function needsOf(release: CalicoRelease): CalicoNeed[] {
  const skip = new Set(release.notInEveryPatch ?? []);
  const needs: CalicoNeed[] = [];
  for (const rule of release.clusterRole) {
    for (const apiGroup of rule.apiGroups) {
      if (apiGroup === 'projectcalico.org') continue;
      for (const resource of rule.resources) {
        const verbs = rule.verbs.filter((v) => !skip.has(`${apiGroup}/${resource}:${v}`));
        if (verbs.length === 0) continue;
        const same = needs.find((n) => n.apiGroup === apiGroup && n.resource === resource);
        if (same) same.verbs = [...new Set([...same.verbs, ...verbs])];
        else needs.push({ apiGroup, resource, verbs, controller: controllerOf(apiGroup, resource) });
      }
    }
  }
  return needs;
}

/** What every release line of the table needs: the requirement when the version is unknown. */
export function neededByEveryRelease(): CalicoNeed[] {
  const [first, ...rest] = CALICO_RELEASES.map(needsOf);
  return first!
    .map((need) => ({
      ...need,
      verbs: need.verbs.filter((verb) =>
        rest.every((needs) =>
          needs.some(
            (n) => n.apiGroup === need.apiGroup && n.resource === need.resource && n.verbs.includes(verb),
          ),
        ),
      ),
    }))
    .filter((need) => need.verbs.length > 0);
}

/** The Calico a cluster runs, as far as the snapshot tells, and what its controllers need. */
export interface CalicoRun {
  /** e.g. `v3.13.2`; null when neither the Deployment's image nor the ClusterInformation names one. */
  version: string | null;
  /** Where the version was read, briefly (`image …` or `ClusterInformation default`); null when unknown. */
  versionSource: string | null;
  /** The table row for it; null when the version is unknown or outside the table. */
  release: CalicoRelease | null;
  /** The controllers judged (ENABLED_CONTROLLERS, or the release manifest's when it is not set). */
  controllers: string[];
  /** The permissions those controllers need. */
  needs: CalicoNeed[];
  /** Evidence: where the version and the controllers were read, and what that means for the judgement. */
  evidence: string[];
}

const lineOf = (version: string): string | null =>
  /^v?(\d+)\.(\d+)(?:[.\-+]|$)/.exec(version)?.slice(1, 3).join('.') ?? null;

/**
 * Which Calico runs, read from the snapshot: the image tag of calico-kube-controllers' Deployment (the
 * binary whose permissions are judged), else ClusterInformation `default`'s calicoVersion (written by
 * calico-node). ENABLED_CONTROLLERS picks the controllers whose permissions matter.
 */
export function calicoRun(analysis: Analysis, rbac: ControllerRbac): CalicoRun {
  const evidence: string[] = [];
  const info = analysis.objects?.clusterInformation ?? null;
  const image = rbac.deployment?.image ?? null;
  const tag = image ? imageTag(image) : null;
  let version: string | null = null;
  let versionSource: string | null = null;
  if (tag && lineOf(tag)) {
    version = tag;
    versionSource = `image ${image}`;
    evidence.push(
      `Calico ${tag}: the image ${image} of Deployment ${rbac.deployment!.namespace}/calico-kube-controllers (${rbac.deployment!.key})`,
    );
    if (info?.calicoVersion && lineOf(info.calicoVersion) !== lineOf(tag)) {
      evidence.push(
        `ClusterInformation default (${info.key}) says ${info.calicoVersion}: calico-node runs another release line than calico-kube-controllers`,
      );
    }
  } else if (info?.calicoVersion && lineOf(info.calicoVersion)) {
    version = info.calicoVersion;
    versionSource = 'ClusterInformation default';
    evidence.push(
      `Calico ${version}: spec.calicoVersion of ClusterInformation default (${info.key})` +
        (image
          ? `; the image ${image} carries no version tag`
          : '; no calico-kube-controllers Deployment in the snapshot'),
    );
  }
  const line = version ? lineOf(version) : null;
  const release = CALICO_RELEASES.find((r) => r.line === `v${line}`) ?? null;
  if (!version) {
    evidence.push(
      'Calico version unknown (no tagged calico-kube-controllers image, no ClusterInformation calicoVersion): ' +
        'only the permissions every release from v3.13 on needs are judged',
    );
  } else if (!release) {
    evidence.push(
      `Calico ${version} is outside the table (${CALICO_RELEASES[0]!.line}–${CALICO_RELEASES.at(-1)!.line}): ` +
        'only the permissions every release of the table needs are judged',
    );
  } else {
    evidence.push(`required permissions from: ${release.source} (Calico ${release.releases})`);
  }

  const setting = rbac.deployment?.env.ENABLED_CONTROLLERS;
  const enabled =
    setting !== undefined
      ? setting
          .split(',')
          .map((c) => c.trim())
          .filter((c) => c !== '')
      : [...(release?.manifestControllers ?? ['node'])];
  evidence.push(
    setting !== undefined
      ? `ENABLED_CONTROLLERS=${setting} (Deployment ${rbac.deployment!.namespace}/calico-kube-controllers)`
      : `ENABLED_CONTROLLERS not found in the snapshot: judged as the ${release ? `${release.line} ` : ''}manifest sets it (${enabled.join(',')})`,
  );
  const all = release ? needsOf(release) : neededByEveryRelease();
  const known = new Set(all.map((n) => n.controller));
  const unjudged = enabled.filter((c) => !known.has(c));
  if (unjudged.length > 0) {
    evidence.push(
      `not judged: ${unjudged.join(', ')} (the Kubernetes-datastore manifest grants nothing for ${unjudged.length === 1 ? 'it' : 'them'})`,
    );
  }
  const needs = all.filter(
    (n) =>
      CORE_CONTROLLERS.has(n.controller) ||
      (!CONDITIONAL.has(n.controller) && enabled.includes(n.controller)),
  );
  return { version, versionSource, release, controllers: enabled, needs, evidence };
}

/** Release lines whose kube-controllers free the addresses of deleted pods on live nodes (v3.20 on). */
export function freesAddressesOfDeletedPods(run: CalicoRun): boolean | null {
  const line = run.version ? lineOf(run.version) : null;
  if (!line) return null;
  const [major, minor] = line.split('.').map(Number) as [number, number];
  return major > 3 || (major === 3 && minor >= 20);
}
