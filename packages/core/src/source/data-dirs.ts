// Where k8s-dqlite keeps its data directory (docs/formats.md §4.1, §4.2).

/** MicroK8s: k8s-dqlite's --storage-dir (canonical/microk8s:microk8s-resources/default-args/k8s-dqlite). */
export const MICROK8S_DATA_DIR = '/var/snap/microk8s/current/var/kubernetes/backend';

/** Canonical Kubernetes: K8sDqliteStateDir (canonical/k8s-snap:src/k8s/pkg/snap/snap.go). */
export const CANONICAL_KUBERNETES_DATA_DIR = '/var/snap/k8s/common/var/lib/k8s-dqlite';
