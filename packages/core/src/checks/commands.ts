import type { Analysis } from '../analysis-types.js';
import { shellQuote } from './shell.js';

/** Where a distribution keeps things; remediation commands are written for the one the input came from. */
export interface Distribution {
  name: 'microk8s' | 'canonical-kubernetes';
  dataDir: string;
  /** The dqlite shell bundled with the snap. */
  dqlite: string;
  kubectl: string;
  /** Directory of per-service argument files. */
  argsDir: string;
  /** Restarts k8s-dqlite. */
  restartDqlite: string;
  /** Restarts the control-plane services (scheduler, controller manager). */
  restartControlPlane: string;
  journal: { dqlite: string; controlPlane: string };
}

const MICROK8S: Distribution = {
  name: 'microk8s',
  dataDir: '/var/snap/microk8s/current/var/kubernetes/backend',
  dqlite: '/snap/microk8s/current/bin/dqlite',
  kubectl: 'microk8s kubectl',
  argsDir: '/var/snap/microk8s/current/args',
  restartDqlite: 'sudo snap restart microk8s.daemon-k8s-dqlite',
  restartControlPlane: 'sudo snap restart microk8s.daemon-kubelite',
  journal: { dqlite: 'snap.microk8s.daemon-k8s-dqlite', controlPlane: 'snap.microk8s.daemon-kubelite' },
};

// Canonical Kubernetes (k8s-snap) paths: documentation.ubuntu.com/canonical-kubernetes … reference/dqlite.
const CANONICAL_KUBERNETES: Distribution = {
  name: 'canonical-kubernetes',
  dataDir: '/var/snap/k8s/common/var/lib/k8s-dqlite',
  dqlite: '/snap/k8s/current/bin/dqlite',
  kubectl: 'sudo k8s kubectl',
  argsDir: '/var/snap/k8s/common/args',
  restartDqlite: 'sudo snap restart k8s.k8s-dqlite',
  restartControlPlane: 'sudo snap restart k8s.kube-scheduler k8s.kube-controller-manager',
  journal: { dqlite: 'snap.k8s.k8s-dqlite', controlPlane: 'snap.k8s.kube-controller-manager' },
};

/** Guess the distribution from the input path; microk8s (the larger population) otherwise. */
export function distributionOf(analysis: Analysis): Distribution {
  const path = analysis.dataDir?.path ?? analysis.source.path;
  return path.includes('/var/snap/k8s/') || path.includes('/k8s-dqlite') ? CANONICAL_KUBERNETES : MICROK8S;
}

/**
 * A one-shot dqlite shell command against the cluster's `k8s` database (anchors §5.4). `--timeout`
 * (milliseconds, go-dqlite ≥ 1.22.0) lifts the shell's 2 s default for long statements.
 */
export function dqliteShell(d: Distribution, sql: string, timeoutMs?: number): string {
  const timeout = timeoutMs ? ` --timeout ${timeoutMs}` : '';
  return (
    `sudo ${d.dqlite} -s file://${d.dataDir}/cluster.yaml -c ${d.dataDir}/cluster.crt ` +
    `-k ${d.dataDir}/cluster.key${timeout} k8s ${shellQuote(sql)}`
  );
}
