import type { Analysis, Finding } from '../analysis-types.js';
import { formatCount as n, plural } from '../format.js';
import { isDns1123Label, isDns1123Subdomain } from '../k8s/names.js';
import type { LeaseRecord } from '../scan/index.js';
import type { Check } from './check.js';
import { distributionOf } from './commands.js';
import { notAValidName, shellQuote } from './shell.js';

// Every control-plane restart or upgrade hands leader-election leases over once, so a cluster that
// has lived a year collects some tens of transitions. Hundreds mean leaders keep losing their lease
// (renew deadline missed, e.g. on "database is locked"); thousands mean a crash loop.
/** Warn at this many leaseTransitions on one Lease… */
export const LEASE_TRANSITIONS_WARNING = 100;
/** …critical at this many. */
export const LEASE_TRANSITIONS_CRITICAL = 1000;

const DAY_MS = 86_400_000;

function perDay(lease: LeaseRecord): number | null {
  if (!lease.createdAt || !lease.renewTime || lease.leaseTransitions === null) return null;
  const days = (Date.parse(lease.renewTime) - Date.parse(lease.createdAt)) / DAY_MS;
  return days > 0 ? lease.leaseTransitions / days : null;
}

/** `kubectl get lease … -o yaml` per namespace; a note instead for a namespace or name that is not valid. */
function leaseCommands(kubectl: string, leases: readonly LeaseRecord[]): string[] {
  const lines: string[] = [];
  for (const ns of new Set(leases.map((l) => l.namespace))) {
    if (!isDns1123Label(ns)) {
      lines.push(notAValidName('namespace', ns));
      continue;
    }
    const names = leases.filter((l) => l.namespace === ns).map((l) => l.name);
    for (const name of names.filter((n) => !isDns1123Subdomain(n)))
      lines.push(notAValidName('Lease name', name));
    const valid = names.filter(isDns1123Subdomain);
    if (valid.length > 0)
      lines.push(`${kubectl} -n ${shellQuote(ns)} get lease ${valid.map(shellQuote).join(' ')} -o yaml`);
  }
  return lines;
}

/** 4. Leader-election leases that change hands far too often. */
export const leaderElectionChurnCheck: Check = {
  id: 'leader-election-churn',
  run(analysis: Analysis): Finding[] {
    const churning = analysis.leases.filter((l) => (l.leaseTransitions ?? 0) >= LEASE_TRANSITIONS_WARNING);
    if (churning.length === 0) return [];
    const d = distributionOf(analysis);
    const worst = churning[0]!;
    const critical = churning.some((l) => (l.leaseTransitions ?? 0) >= LEASE_TRANSITIONS_CRITICAL);
    return [
      {
        id: 'leader-election-churn',
        severity: critical ? 'critical' : 'warning',
        title: `Lease ${worst.namespace}/${worst.name} changed holder ${plural(worst.leaseTransitions ?? 0, 'time')}${
          churning.length > 1
            ? ` (and ${plural(churning.length - 1, 'more lease')} at ${n(LEASE_TRANSITIONS_WARNING)} or more)`
            : ''
        }`,
        evidence: churning.map((l) => {
          const rate = perDay(l);
          return (
            `${l.namespace}/${l.name}: leaseTransitions ${n(l.leaseTransitions ?? 0)}, holder ${l.holderIdentity ?? '(none)'}, ` +
            `renewTime ${l.renewTime ?? '(none)'}, leaseDurationSeconds ${l.leaseDurationSeconds ?? '(unset)'}, ` +
            `created ${l.createdAt ?? '(unknown)'}${rate === null ? '' : ` (${rate.toFixed(1)} per day)`}; ` +
            `${plural(l.retainedRevisions, 'revision')} retained at ${l.key} (latest kine id ${n(l.revision)})`
          );
        }),
        remediation: [
          '# Who holds the leases now, and since when:',
          ...leaseCommands(d.kubectl, churning),
          '# Why leaders lose them (missed renew deadline, "database is locked"):',
          `sudo journalctl -u ${d.journal.controlPlane} --since -1h | grep -E 'leaderelection|failed to renew|database is locked'`,
          '# Give the leases more slack (canonical/microk8s#2203): add to the kube-scheduler and',
          `# kube-controller-manager argument files in ${d.argsDir}:`,
          '#   --leader-elect-lease-duration=60s',
          '#   --leader-elect-renew-deadline=30s',
          d.restartControlPlane,
        ].join('\n'),
        data: {
          leases: churning.map((l) => `${l.namespace}/${l.name}`),
          leaseTransitions: churning.map((l) => l.leaseTransitions ?? 0),
          maxLeaseTransitions: worst.leaseTransitions ?? 0,
          otherLeases: churning.length - 1,
          warningTransitions: LEASE_TRANSITIONS_WARNING,
        },
      },
    ];
  },
};
