// Names an attacker who can create objects (or edit the database) would pick to make a pasted command
// run more than it says: command substitution, backticks, `;`, quotes, redirections. Every one is a
// key or object name the checks put into a remediation or `verify:` line (issue #12 §1). Kubernetes
// would reject most of them as names; the snapshot still holds what it holds.

import { bytesValue } from '@dqlite-analyzer/test-support/incident';
import { lease, webhookConfiguration } from '@dqlite-analyzer/test-support/k8s-values';
import type { KineHistory } from '@dqlite-analyzer/test-support/kine';

/** The file every payload tries to create; a test asserts it never appears. */
export const HOSTILE_FILE = 'F';

export const HOSTILE = {
  /** A hot key (write-hot-spot) that is also a churning Lease. */
  hotLease: { namespace: 'kube-system', name: 'x$(touch F)' },
  hotLeaseWrites: 1200,
  /** A second hot key whose name uses only shell builtins (`>F` creates F without any program). */
  hotConfigMap: '/registry/configmaps/kube-system/a;>F;`>F`',
  hotConfigMapWrites: 1000,
  churningLeases: [
    { namespace: 'kube-system;touch F;', name: 'lease-a' },
    { namespace: 'kube-system', name: '`touch F`' },
    { namespace: 'kube-system', name: `q'"$(>F)` },
    { namespace: 'kube-system', name: 'r<F>F' },
  ],
  webhookConfigurations: ['evil;touch F;', 'ok-name'],
  /** Services the webhooks call; none exists. */
  services: [
    { namespace: 'ns$(>F)', name: 'svc' },
    { namespace: 'webhooks', name: "svc'$(>F)'" },
  ],
} as const;

/** Write the hostile names into `h` (no trailer). */
export function writeHostileNames(h: KineHistory): void {
  const t0 = 1_767_225_600;
  const leaseValue = (namespace: string, name: string, transitions: number) =>
    bytesValue(
      lease({
        namespace,
        name,
        holder: 'node-1',
        durationSeconds: 15,
        renewSeconds: t0,
        transitions,
        createdSeconds: t0 - 86_400,
      }),
    );
  const hot = HOSTILE.hotLease;
  const hotKey = `/registry/leases/${hot.namespace}/${hot.name}`;
  h.create(hotKey, leaseValue(hot.namespace, hot.name, 150));
  h.bulkUpdate(hotKey, HOSTILE.hotLeaseWrites - 1, leaseValue(hot.namespace, hot.name, 150), { chunk: 400 });
  h.create(HOSTILE.hotConfigMap, bytesValue(new Uint8Array([0x6b, 0x38, 0x73, 0x00])));
  h.bulkUpdate(HOSTILE.hotConfigMap, HOSTILE.hotConfigMapWrites - 1, bytesValue(new Uint8Array([1, 2, 3])), {
    chunk: 400,
  });
  for (const [i, l] of HOSTILE.churningLeases.entries()) {
    h.create(`/registry/leases/${l.namespace}/${l.name}`, leaseValue(l.namespace, l.name, 200 + i));
  }
  const [evil, ok] = HOSTILE.webhookConfigurations;
  const [s1, s2] = HOSTILE.services;
  h.create(
    `/registry/mutatingwebhookconfigurations/${evil}`,
    bytesValue(
      webhookConfiguration('MutatingWebhookConfiguration', evil, [
        { name: 'a.example.com', service: { ...s1, port: 443 }, failurePolicy: 'Fail' },
      ]),
    ),
  );
  h.create(
    `/registry/validatingwebhookconfigurations/${ok}`,
    bytesValue(
      webhookConfiguration('ValidatingWebhookConfiguration', ok, [
        { name: 'b.example.com', service: { ...s2, port: 443 }, failurePolicy: 'Ignore' },
        { name: 'c.example.com', url: 'https://hooks.example.com/c', failurePolicy: 'Ignore' },
      ]),
    ),
  );
}
