import { clusterInformation, deployment } from '@dqlite-analyzer/test-support/k8s-values';
import { describe, expect, it } from 'vitest';
import { decodeClusterInformation } from '../../src/k8s/calico.js';
import { decodeDeployment, imageTag } from '../../src/k8s/deployment.js';

describe('apps/v1 Deployment', () => {
  it('reads the containers, their images and literal env from bytes written with the upstream field numbers', () => {
    const value = deployment({
      namespace: 'kube-system',
      name: 'calico-kube-controllers',
      serviceAccountName: 'calico-kube-controllers',
      container: {
        name: 'calico-kube-controllers',
        image: 'calico/kube-controllers:v3.13.2',
        env: { ENABLED_CONTROLLERS: 'node', DATASTORE_TYPE: 'kubernetes' },
      },
    });
    expect(decodeDeployment(value)).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'calico-kube-controllers', namespace: 'kube-system' },
      replicas: 1,
      serviceAccountName: 'calico-kube-controllers',
      containers: [
        {
          name: 'calico-kube-controllers',
          image: 'calico/kube-controllers:v3.13.2',
          env: { ENABLED_CONTROLLERS: 'node', DATASTORE_TYPE: 'kubernetes' },
        },
      ],
    });
  });

  it('refuses another kind', () => {
    expect(() => decodeDeployment(clusterInformation('v3.29.3'))).toThrow();
  });

  it('takes the tag of an image reference, not a registry port or a digest', () => {
    expect(imageTag('docker.io/calico/kube-controllers:v3.29.3')).toBe('v3.29.3');
    expect(imageTag('registry.local:5000/calico/kube-controllers:v3.13.2')).toBe('v3.13.2');
    expect(imageTag('registry.local:5000/calico/kube-controllers')).toBeNull();
    expect(imageTag(`calico/kube-controllers@sha256:${'ab'.repeat(32)}`)).toBeNull();
    expect(imageTag(`calico/kube-controllers:v3.20.1@sha256:${'ab'.repeat(32)}`)).toBe('v3.20.1');
  });
});

describe('Calico ClusterInformation', () => {
  it('reads calicoVersion from the JSON the datastore stores', () => {
    expect(decodeClusterInformation(clusterInformation('v3.13.2'))).toMatchObject({
      kind: 'ClusterInformation',
      metadata: { name: 'default' },
      calicoVersion: 'v3.13.2',
      clusterType: 'k8s,bgp,kubeadm,kdd',
    });
  });
});
