import { describe, expect, it } from 'vitest';
import { decodeRbacBinding, decodeRbacRole, missingVerbs } from '../../src/k8s/rbac.js';
import { assertOnlyDecodeErrors, encodeUpstream, storedValue } from './upstream.js';

const RBAC = 'rbac.authorization.k8s.io/v1';

// calico-kube-controllers' ClusterRole as in Calico's manifests, except that pods only get `get`:
// the controller's pod informer then cannot list or watch, the misconfiguration we want to flag.
const KUBE_CONTROLLERS_RULES = [
  { apiGroups: [''], resources: ['nodes'], verbs: ['watch', 'list', 'get'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
  { apiGroups: ['crd.projectcalico.org'], resources: ['ipreservations'], verbs: ['list'] },
  {
    apiGroups: ['crd.projectcalico.org'],
    resources: ['blockaffinities', 'ipamblocks', 'ipamhandles'],
    verbs: ['get', 'list', 'create', 'update', 'delete', 'watch'],
  },
  {
    apiGroups: ['crd.projectcalico.org'],
    resources: ['clusterinformations'],
    verbs: ['get', 'list', 'create', 'update', 'watch'],
  },
];

const clusterRole = storedValue('k8s.io.api.rbac.v1.ClusterRole', RBAC, 'ClusterRole', {
  metadata: {
    name: 'calico-kube-controllers',
    uid: '5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    creationTimestamp: { seconds: 1709287200 },
    labels: { 'app.kubernetes.io/managed-by': 'microk8s' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"ClusterRole"}\n' },
  },
  rules: KUBE_CONTROLLERS_RULES,
});

describe('decodeRbacRole', () => {
  it('decodes a ClusterRole with its rules and metadata', () => {
    const role = decodeRbacRole(clusterRole);
    expect(role.kind).toBe('ClusterRole');
    expect(role.apiVersion).toBe(RBAC);
    expect(role.metadata).toMatchObject({
      name: 'calico-kube-controllers',
      creationTimestamp: '2024-03-01T10:00:00Z',
      labels: { 'app.kubernetes.io/managed-by': 'microk8s' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"ClusterRole"}\n' },
    });
    expect(role.metadata.namespace).toBeUndefined();
    expect(role.rules).toHaveLength(5);
    expect(role.rules[1]).toEqual({
      verbs: ['get'],
      apiGroups: [''],
      resources: ['pods'],
      resourceNames: [],
      nonResourceURLs: [],
    });
    expect(role.aggregationRule).toBeUndefined();
  });

  it('finds the missing list/watch on pods and nothing missing on nodes', () => {
    const { rules } = decodeRbacRole(clusterRole);
    expect(missingVerbs(rules, { apiGroup: '', resource: 'pods', verbs: ['get', 'list', 'watch'] })).toEqual([
      'list',
      'watch',
    ]);
    expect(missingVerbs(rules, { apiGroup: '', resource: 'nodes', verbs: ['get', 'list', 'watch'] })).toEqual(
      [],
    );
    // Same resource name in another group is a different resource.
    expect(
      missingVerbs(rules, { apiGroup: 'crd.projectcalico.org', resource: 'pods', verbs: ['get'] }),
    ).toEqual(['get']);
  });

  it('honours wildcards and ignores rules narrowed by resourceNames', () => {
    const rules = [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] },
    ];
    expect(missingVerbs(rules, { apiGroup: 'apps', resource: 'deployments', verbs: ['delete'] })).toEqual([]);
    const named = [
      {
        verbs: ['get', 'list'],
        apiGroups: [''],
        resources: ['pods'],
        resourceNames: ['one'],
        nonResourceURLs: [],
      },
    ];
    expect(missingVerbs(named, { apiGroup: '', resource: 'pods', verbs: ['list'] })).toEqual(['list']);
  });

  it('decodes an aggregated ClusterRole and a namespaced Role', () => {
    const aggregated = storedValue('k8s.io.api.rbac.v1.ClusterRole', RBAC, 'ClusterRole', {
      metadata: { name: 'admin' },
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }],
      },
    });
    expect(decodeRbacRole(aggregated)).toMatchObject({
      rules: [],
      aggregationRule: {
        clusterRoleSelectors: [
          { matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' }, matchExpressions: [] },
        ],
      },
    });

    const role = storedValue('k8s.io.api.rbac.v1.Role', RBAC, 'Role', {
      metadata: { name: 'extension-apiserver-authentication-reader', namespace: 'kube-system' },
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: ['extension-apiserver-authentication'],
          verbs: ['get', 'list', 'watch'],
        },
        { nonResourceURLs: ['/healthz'], verbs: ['get'] },
      ],
    });
    const decoded = decodeRbacRole(role);
    expect(decoded.kind).toBe('Role');
    expect(decoded.metadata.namespace).toBe('kube-system');
    expect(decoded.rules[0]?.resourceNames).toEqual(['extension-apiserver-authentication']);
    expect(decoded.rules[1]).toMatchObject({ nonResourceURLs: ['/healthz'], verbs: ['get'], resources: [] });
  });

  it('rejects bindings and damaged values', () => {
    const binding = storedValue('k8s.io.api.rbac.v1.ClusterRoleBinding', RBAC, 'ClusterRoleBinding', {
      metadata: { name: 'x' },
    });
    expect(() => decodeRbacRole(binding)).toThrow(expect.objectContaining({ reason: 'wrong-kind' }));
    expect(() => decodeRbacRole(clusterRole.subarray(0, clusterRole.length - 3))).toThrow(
      expect.objectContaining({ reason: 'malformed' }),
    );
  });
});

describe('decodeRbacBinding', () => {
  it('decodes a ClusterRoleBinding to a ServiceAccount', () => {
    const value = storedValue('k8s.io.api.rbac.v1.ClusterRoleBinding', RBAC, 'ClusterRoleBinding', {
      metadata: { name: 'calico-kube-controllers', creationTimestamp: { seconds: 1709287200 } },
      subjects: [{ kind: 'ServiceAccount', name: 'calico-kube-controllers', namespace: 'kube-system' }],
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'calico-kube-controllers',
      },
    });
    expect(decodeRbacBinding(value)).toEqual({
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: {
        name: 'calico-kube-controllers',
        creationTimestamp: '2024-03-01T10:00:00Z',
        labels: {},
        annotations: {},
        ownerReferences: [],
        finalizers: [],
      },
      subjects: [{ kind: 'ServiceAccount', name: 'calico-kube-controllers', namespace: 'kube-system' }],
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'calico-kube-controllers',
      },
    });
  });

  it('decodes a RoleBinding to a User and a Group', () => {
    const value = storedValue('k8s.io.api.rbac.v1.RoleBinding', RBAC, 'RoleBinding', {
      metadata: { name: 'dev-edit', namespace: 'team-a' },
      subjects: [
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice@example.com' },
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts:team-a' },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    });
    const binding = decodeRbacBinding(value);
    expect(binding.kind).toBe('RoleBinding');
    expect(binding.metadata.namespace).toBe('team-a');
    expect(binding.subjects).toEqual([
      { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice@example.com' },
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts:team-a' },
    ]);
    expect(binding.roleRef.name).toBe('edit');
  });
});

describe('RBAC decoders on damaged object bytes', () => {
  it('throw nothing but ValueDecodeError', () => {
    const role = encodeUpstream('k8s.io.api.rbac.v1.ClusterRole', {
      metadata: { name: 'calico-kube-controllers', labels: { a: 'b' } },
      rules: KUBE_CONTROLLERS_RULES,
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] },
    });
    assertOnlyDecodeErrors(decodeRbacRole, RBAC, 'ClusterRole', role);
    const binding = encodeUpstream('k8s.io.api.rbac.v1.ClusterRoleBinding', {
      metadata: { name: 'calico-kube-controllers' },
      subjects: [{ kind: 'ServiceAccount', name: 'calico-kube-controllers', namespace: 'kube-system' }],
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'calico-kube-controllers',
      },
    });
    assertOnlyDecodeErrors(decodeRbacBinding, RBAC, 'ClusterRoleBinding', binding);
  });
});
