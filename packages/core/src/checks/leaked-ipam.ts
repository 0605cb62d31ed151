import type { Analysis, Finding } from '../analysis-types.js';
import { formatBytes, formatCount as n, plural } from '../format.js';
import { calicoLineBelow, calicoRun } from './calico-requirements.js';
import type { Check } from './check.js';
import { distributionOf } from './commands.js';
import { controllerGaps } from './rbac-gap.js';

// calico-kube-controllers releases an address only after it has looked leaked for 15 minutes
// (projectcalico/calico#5044 logs "Confirmed IP leak after 15m"), so a busy cluster always shows a
// few. Thousands are what turned into 215 MB snapshots in a published incident
// (incidents.pgmac.net.au, 2026-04-02: 6,071 stale IPAM handles).
/** Report leaks as info below this count, as a warning from it… */
export const IPAM_LEAK_WARNING = 20;
/** …and as critical from this count. */
export const IPAM_LEAK_CRITICAL = 1000;

// Evidence lines stay readable; data.examples carries the full list the scan kept.
const EXAMPLE_LINES = 5;

/** 7. Calico IPAM handles and addresses still held for pods that no longer exist. */
export const leakedIpamCheck: Check = {
  id: 'leaked-ipam',
  run(analysis: Analysis): Finding[] {
    const ipam = analysis.objects?.ipam;
    if (!ipam) return [];
    const leaks = Math.max(ipam.leakedHandles, ipam.leakedAllocations);
    if (leaks === 0) return [];
    const d = distributionOf(analysis);
    const handlesPrefix = analysis.prefixes.find((p) => p.prefix === 'crd.projectcalico.org/ipamhandles');
    const [calicoGap] = controllerGaps(analysis);
    const controller = analysis.objects?.controllers.find((c) => c.controller === 'calico-kube-controllers');
    const run = controller?.deployed ? calicoRun(analysis, controller) : null;
    const noIpamCommands = run !== null && calicoLineBelow(run, 18);
    // From v3.20 the controllers free a deleted pod's address themselves, given list/watch on pods.
    const waitsForRbac = calicoGap !== undefined && run?.version != null && !calicoLineBelow(run, 20);
    const kubeconfig =
      d.name === 'microk8s'
        ? '/var/snap/microk8s/current/credentials/client.config'
        : '/etc/kubernetes/admin.conf';
    return [
      {
        id: 'leaked-ipam',
        severity: leaks >= IPAM_LEAK_CRITICAL ? 'critical' : leaks >= IPAM_LEAK_WARNING ? 'warning' : 'info',
        // The larger of the two verified counts leads: addresses can leak without a handle object left.
        title:
          ipam.leakedAllocations > ipam.leakedHandles
            ? `${plural(ipam.leakedAllocations, 'Calico IPAM address', 'Calico IPAM addresses')} ${
                ipam.leakedAllocations === 1 ? 'is' : 'are'
              } held for pods that no longer exist (${n(ipam.leakedHandles)} of ${plural(ipam.podHandles, 'pod handle')} leaked)`
            : ipam.handlesWithoutAllocation === 0
              ? `${n(ipam.leakedHandles)} of ${plural(ipam.podHandles, 'Calico pod IPAM handle')} belong to pods that no longer exist` +
                ` (${plural(ipam.leakedAllocations, 'address', 'addresses')} held)`
              : // A handle no block allocation refers to names no pod: it is leaked, but not "of a gone pod".
                `${n(ipam.leakedHandles)} of ${plural(ipam.podHandles, 'Calico pod IPAM handle')} are leaked ` +
                `(${n(ipam.handlesWithPodMissing)} of pods that no longer exist, ${n(ipam.handlesWithoutAllocation)} with no address; ` +
                `${plural(ipam.leakedAllocations, 'address', 'addresses')} held)`,
        evidence: [
          `IPAMHandles ${n(ipam.handles)} (pod handles ${n(ipam.podHandles)}); leaked ${n(ipam.leakedHandles)}: ` +
            `${n(ipam.handlesWithPodMissing)} whose pod is gone, ${n(ipam.handlesWithoutAllocation)} that no block allocation refers to`,
          `IPAMBlocks ${n(ipam.blocks)}, allocated addresses ${n(ipam.allocations)} (${n(ipam.podAllocations)} for pods); ` +
            `${plural(ipam.leakedAllocations, 'address', 'addresses')} held for pods that are gone`,
          ...(handlesPrefix
            ? [
                `the ipamhandles prefix holds ${plural(handlesPrefix.liveKeys, 'live key')} and ${plural(handlesPrefix.historyRows, 'history row')} (${formatBytes(handlesPrefix.liveBytes + handlesPrefix.historyBytes)})`,
              ]
            : []),
          ...ipam.examples
            .slice(0, EXAMPLE_LINES)
            .map(
              (e) =>
                `${e.reason === 'pod-missing' ? 'pod gone' : 'no allocation'}: handle ${e.handleId}` +
                `${e.pod ? ` (pod ${e.namespace}/${e.pod}, no key /registry/pods/${e.namespace}/${e.pod})` : ''}` +
                `${e.address ? ` address ${e.address}` : ''}${e.key ? ` at ${e.key}` : ''}`,
            ),
          ...(calicoGap
            ? [
                `calico-kube-controllers ${calicoGap.grantedNothing ? 'is granted nothing' : `lacks ${calicoGap.missing.map((n) => `${n.verbs.join('/')} ${n.resource}`).join(', ')}`} ` +
                  '(see the rbac-gap finding): its IPAM garbage collector cannot do its job until that is fixed',
              ]
            : []),
          // v3.13.2 only gets pods to check an allocation of a deleted node; v3.20.0 starts a pod informer
          // (projectcalico/kube-controllers:cmd/kube-controllers/main.go@v3.20.0).
          ...(run && calicoLineBelow(run, 20)
            ? [
                `Calico ${run.version} (${run.versionSource}) frees addresses only of deleted nodes and gets pods one at a time ` +
                  '(projectcalico/kube-controllers:pkg/controllers/node/ipam.go@v3.13.2); it never frees the address of a deleted pod ' +
                  'on a live node: that came with v3.20 (a pod informer, hence list/watch on pods), so no ClusterRole change stops this leak',
              ]
            : []),
        ],
        remediation: [
          ...(run?.version
            ? [
                `# Use a calicoctl of exactly the Calico version the cluster runs: ${run.version} (${run.versionSource}).`,
                ...(noIpamCommands
                  ? [
                      `# Calico ${run.version}'s calicoctl has neither of the two commands below (they came with v3.18):`,
                      '# upgrade Calico first; from v3.20 its kube-controllers free these addresses by themselves.',
                    ]
                  : []),
              ]
            : [
                '# Use a calicoctl of exactly the Calico version the cluster runs; find it with:',
                `${d.kubectl} -n kube-system get deployment calico-kube-controllers -o jsonpath='{..image}'`,
              ]),
          '# `ipam check` and `ipam release --from-report` exist since Calico v3.18 (projectcalico/calicoctl#2247);',
          '# releasing handles with the Kubernetes datastore needs the fix of projectcalico/calico#6650 (2022-09);',
          '# release refuses a report made by another calicoctl version or against an older cluster state.',
          // Below v3.18 the commands stay comments: the cluster's own calicoctl has none of them.
          ...(noIpamCommands
            ? ['# Once Calico runs v3.20 or later, release what is left with that version’s calicoctl:']
            : []),
          ...[
            `export DATASTORE_TYPE=kubernetes KUBECONFIG=${kubeconfig}`,
            '# Pause IPAM changes (new pods wait for networking until unlock):',
            'calicoctl datastore migrate lock',
            'calicoctl ipam check --show-problem-ips -o report.json',
            'calicoctl ipam release --from-report=report.json',
            'calicoctl datastore migrate unlock',
          ].map((line) => (noIpamCommands && !line.startsWith('#') ? `#   ${line}` : line)),
        ].join('\n'),
        data: {
          handles: ipam.handles,
          podHandles: ipam.podHandles,
          leakedHandles: ipam.leakedHandles,
          handlesWithPodMissing: ipam.handlesWithPodMissing,
          handlesWithoutAllocation: ipam.handlesWithoutAllocation,
          leakedAllocations: ipam.leakedAllocations,
          examples: ipam.examples.map((e) => e.handleId),
          waitsForRbac,
        },
      },
    ];
  },
};
