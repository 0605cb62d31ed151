// The log lines of the incident, as the agent follows them: k8s-dqlite's "database is locked" after
// its 500 retries (pkg/backend/sqlite/driver.go) and the apiserver's RBAC denial as client-go's
// reflector logs it for calico-kube-controllers (the Calico ClusterRole without list on pods).

/** One failed lease renewal, as kubelite logs it (RFC 3339 time first, as journalctl -o short-iso). */
export function lockErrorLine(at: Date, key: string): string {
  return (
    `${at.toISOString()} E kubelite: leaderelection.go:367] Failed to update lock: rpc error: code = Unknown ` +
    `desc = update transaction failed for key ${key}: exec (try: 500): database is locked`
  );
}

/** One RBAC denial of a service account listing a resource cluster-wide. */
export function forbiddenLine(at: Date, serviceAccount: `${string}/${string}`, resource: string): string {
  const [namespace, name] = serviceAccount.split('/');
  return (
    `${at.toISOString()} E reflector.go:147] failed to list *v1.Pod: ${resource} is forbidden: User ` +
    `"system:serviceaccount:${namespace}:${name}" cannot list resource "${resource}" in API group "" at the cluster scope`
  );
}
