import { describe, expect, it } from 'vitest';
import { classifyKey, parseRegistryKey } from '../../src/k8s/keys.js';

describe('parseRegistryKey', () => {
  it.each([
    // Namespaced built-ins: /registry/<plural>/<namespace>/<name>
    [
      '/registry/leases/kube-system/kube-scheduler',
      {
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'kube-system',
        name: 'kube-scheduler',
        prefix: 'leases',
      },
    ],
    [
      '/registry/leases/kube-node-lease/node-1',
      {
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'kube-node-lease',
        name: 'node-1',
        prefix: 'leases',
      },
    ],
    [
      '/registry/pods/kube-system/coredns-7745f9f87f-x2k9p',
      {
        group: '',
        resource: 'pods',
        namespace: 'kube-system',
        name: 'coredns-7745f9f87f-x2k9p',
        prefix: 'pods',
      },
    ],
    [
      '/registry/secrets/default/db-password',
      { group: '', resource: 'secrets', namespace: 'default', name: 'db-password', prefix: 'secrets' },
    ],
    [
      '/registry/serviceaccounts/kube-system/calico-kube-controllers',
      {
        group: '',
        resource: 'serviceaccounts',
        namespace: 'kube-system',
        name: 'calico-kube-controllers',
        prefix: 'serviceaccounts',
      },
    ],
    [
      '/registry/deployments/kube-system/coredns',
      {
        group: 'apps',
        resource: 'deployments',
        namespace: 'kube-system',
        name: 'coredns',
        prefix: 'deployments',
      },
    ],
    [
      '/registry/rolebindings/kube-system/system:controller:bootstrap-signer',
      {
        group: 'rbac.authorization.k8s.io',
        resource: 'rolebindings',
        namespace: 'kube-system',
        name: 'system:controller:bootstrap-signer',
        prefix: 'rolebindings',
      },
    ],
    // SpecialDefaultResourcePrefixes
    [
      '/registry/services/specs/default/kubernetes',
      { group: '', resource: 'services', namespace: 'default', name: 'kubernetes', prefix: 'services/specs' },
    ],
    [
      '/registry/services/endpoints/kube-system/kube-dns',
      {
        group: '',
        resource: 'endpoints',
        namespace: 'kube-system',
        name: 'kube-dns',
        prefix: 'services/endpoints',
      },
    ],
    ['/registry/minions/node-1', { group: '', resource: 'nodes', name: 'node-1', prefix: 'minions' }],
    [
      '/registry/controllers/default/web',
      {
        group: '',
        resource: 'replicationcontrollers',
        namespace: 'default',
        name: 'web',
        prefix: 'controllers',
      },
    ],
    [
      '/registry/ingress/default/web',
      {
        group: 'networking.k8s.io',
        resource: 'ingresses',
        namespace: 'default',
        name: 'web',
        prefix: 'ingress',
      },
    ],
    // Cluster-scoped built-ins: /registry/<plural>/<name>
    [
      '/registry/clusterroles/calico-kube-controllers',
      {
        group: 'rbac.authorization.k8s.io',
        resource: 'clusterroles',
        name: 'calico-kube-controllers',
        prefix: 'clusterroles',
      },
    ],
    [
      '/registry/clusterrolebindings/calico-kube-controllers',
      {
        group: 'rbac.authorization.k8s.io',
        resource: 'clusterrolebindings',
        name: 'calico-kube-controllers',
        prefix: 'clusterrolebindings',
      },
    ],
    [
      '/registry/mutatingwebhookconfigurations/pod-policy',
      {
        group: 'admissionregistration.k8s.io',
        resource: 'mutatingwebhookconfigurations',
        name: 'pod-policy',
        prefix: 'mutatingwebhookconfigurations',
      },
    ],
    [
      '/registry/validatingwebhookconfigurations/cert-manager-webhook',
      {
        group: 'admissionregistration.k8s.io',
        resource: 'validatingwebhookconfigurations',
        name: 'cert-manager-webhook',
        prefix: 'validatingwebhookconfigurations',
      },
    ],
    [
      '/registry/namespaces/kube-system',
      { group: '', resource: 'namespaces', name: 'kube-system', prefix: 'namespaces' },
    ],
    ['/registry/ranges/serviceips', { group: '', resource: 'ranges', name: 'serviceips', prefix: 'ranges' }],
    [
      '/registry/masterleases/192.168.1.11',
      { group: '', resource: 'masterleases', name: '192.168.1.11', prefix: 'masterleases' },
    ],
    // Group-qualified prefixes: CRDs, apiextensions.k8s.io and apiregistration.k8s.io
    [
      '/registry/crd.projectcalico.org/ipamhandles/k8s-pod-network.4f3c2a1b',
      {
        group: 'crd.projectcalico.org',
        resource: 'ipamhandles',
        name: 'k8s-pod-network.4f3c2a1b',
        prefix: 'crd.projectcalico.org/ipamhandles',
      },
    ],
    [
      '/registry/crd.projectcalico.org/ipamblocks/10-1-19-0-26',
      {
        group: 'crd.projectcalico.org',
        resource: 'ipamblocks',
        name: '10-1-19-0-26',
        prefix: 'crd.projectcalico.org/ipamblocks',
      },
    ],
    [
      '/registry/crd.projectcalico.org/networkpolicies/default/knp.default.deny',
      {
        group: 'crd.projectcalico.org',
        resource: 'networkpolicies',
        namespace: 'default',
        name: 'knp.default.deny',
        prefix: 'crd.projectcalico.org/networkpolicies',
      },
    ],
    [
      '/registry/apiextensions.k8s.io/customresourcedefinitions/ipamblocks.crd.projectcalico.org',
      {
        group: 'apiextensions.k8s.io',
        resource: 'customresourcedefinitions',
        name: 'ipamblocks.crd.projectcalico.org',
        prefix: 'apiextensions.k8s.io/customresourcedefinitions',
      },
    ],
    [
      '/registry/apiregistration.k8s.io/apiservices/v1.coordination.k8s.io',
      {
        group: 'apiregistration.k8s.io',
        resource: 'apiservices',
        name: 'v1.coordination.k8s.io',
        prefix: 'apiregistration.k8s.io/apiservices',
      },
    ],
  ])('%s', (key, expected) => {
    expect(parseRegistryKey(key)).toEqual(expected);
  });

  it('leaves the group out for built-in prefixes it does not know', () => {
    expect(parseRegistryKey('/registry/widgets/default/w1')).toEqual({
      resource: 'widgets',
      namespace: 'default',
      name: 'w1',
      prefix: 'widgets',
    });
  });

  it('parses range prefixes without a name', () => {
    expect(parseRegistryKey('/registry/pods/')).toEqual({ group: '', resource: 'pods', prefix: 'pods' });
    expect(parseRegistryKey('/registry/services/specs/')).toEqual({
      group: '',
      resource: 'services',
      prefix: 'services/specs',
    });
    expect(parseRegistryKey('/registry/crd.projectcalico.org/ipamblocks')).toEqual({
      group: 'crd.projectcalico.org',
      resource: 'ipamblocks',
      prefix: 'crd.projectcalico.org/ipamblocks',
    });
  });

  it('keeps extra segments in the name instead of dropping them', () => {
    expect(parseRegistryKey('/registry/pods/ns/a/b')).toMatchObject({ namespace: 'ns', name: 'a/b' });
  });

  it('returns null outside /registry/', () => {
    for (const key of [
      'compact_rev_key',
      'gap-123',
      '/bootstrap/5c2d8f',
      '/registry/',
      '/registry',
      '',
      'registry/pods/a/b',
    ]) {
      expect(parseRegistryKey(key), key).toBeNull();
    }
  });
});

describe('classifyKey', () => {
  it('tells registry keys from kine bookkeeping', () => {
    expect(classifyKey('/registry/leases/kube-system/kube-scheduler')).toBe('registry');
    expect(classifyKey('compact_rev_key')).toBe('compact');
    expect(classifyKey('gap-123')).toBe('gap');
    expect(classifyKey('gap-')).toBe('other');
    expect(classifyKey('/bootstrap/5c2d8f')).toBe('other');
    expect(classifyKey('')).toBe('other');
  });
});
