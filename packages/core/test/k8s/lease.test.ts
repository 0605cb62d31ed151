import { describe, expect, it } from 'vitest';
import { decodeLease } from '../../src/k8s/lease.js';
import { assertOnlyDecodeErrors, encodeUpstream, MANAGED_FIELDS, storedValue } from './upstream.js';

const HOLDER = 'node-1_6f1c2b9e-8a4d-4c3b-9f0e-2d7a1b5c8e90';

function lease(spec: Record<string, unknown>, apiVersion = 'coordination.k8s.io/v1'): Uint8Array {
  return storedValue('k8s.io.api.coordination.v1.Lease', apiVersion, 'Lease', {
    metadata: {
      name: 'kube-scheduler',
      namespace: 'kube-system',
      uid: '0b5e6d4a-3c2f-4e1d-9a8b-7c6d5e4f3a2b',
      creationTimestamp: { seconds: 1700000000 },
      managedFields: MANAGED_FIELDS,
    },
    spec,
  });
}

describe('decodeLease', () => {
  it('decodes a leader-election Lease with 4499 transitions', () => {
    const value = lease({
      holderIdentity: HOLDER,
      leaseDurationSeconds: 15,
      // MicroTime keeps microseconds: 2024-05-01T10:00:00.123456Z and 10:40:00.987654Z.
      acquireTime: { seconds: 1714557600, nanos: 123456000 },
      renewTime: { seconds: 1714560000, nanos: 987654000 },
      leaseTransitions: 4499,
    });
    expect(decodeLease(value)).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: 'kube-scheduler',
        namespace: 'kube-system',
        uid: '0b5e6d4a-3c2f-4e1d-9a8b-7c6d5e4f3a2b',
        creationTimestamp: '2023-11-14T22:13:20Z',
        labels: {},
        annotations: {},
        ownerReferences: [],
        finalizers: [],
      },
      spec: {
        holderIdentity: HOLDER,
        leaseDurationSeconds: 15,
        acquireTime: '2024-05-01T10:00:00.123456Z',
        renewTime: '2024-05-01T10:40:00.987654Z',
        leaseTransitions: 4499,
      },
    });
  });

  it('decodes a node heartbeat Lease owned by its Node', () => {
    const value = storedValue('k8s.io.api.coordination.v1.Lease', 'coordination.k8s.io/v1', 'Lease', {
      metadata: {
        name: 'node-1',
        namespace: 'kube-node-lease',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'c1d2e3f4-0000-4000-8000-000000000001' },
        ],
      },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: { seconds: 1714560000 } },
    });
    const decoded = decodeLease(value);
    expect(decoded.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Node',
        name: 'node-1',
        uid: 'c1d2e3f4-0000-4000-8000-000000000001',
        controller: false,
      },
    ]);
    // Absent fields stay absent: a heartbeat lease never counts transitions.
    expect(decoded.spec).toEqual({
      holderIdentity: 'node-1',
      leaseDurationSeconds: 40,
      renewTime: '2024-05-01T10:40:00Z',
    });
  });

  it('accepts the v1beta1 storage version, which has the same field numbers', () => {
    const value = lease({ holderIdentity: HOLDER, leaseTransitions: 7 }, 'coordination.k8s.io/v1beta1');
    expect(decodeLease(value)).toMatchObject({
      apiVersion: 'coordination.k8s.io/v1beta1',
      spec: { holderIdentity: HOLDER, leaseTransitions: 7 },
    });
  });

  it('rejects other kinds, JSON, encrypted and damaged values with ValueDecodeError', () => {
    const notLease = storedValue(
      'k8s.io.api.rbac.v1.ClusterRole',
      'rbac.authorization.k8s.io/v1',
      'ClusterRole',
      {
        metadata: { name: 'x' },
      },
    );
    expect(() => decodeLease(notLease)).toThrow(expect.objectContaining({ reason: 'wrong-kind' }));
    expect(() => decodeLease(Buffer.from('{"kind":"Lease"}'))).toThrow(
      expect.objectContaining({ reason: 'not-protobuf' }),
    );
    expect(() => decodeLease(Buffer.from('k8s:enc:aescbc:v1:key1:\x00\x01'))).toThrow(
      expect.objectContaining({ reason: 'not-protobuf' }),
    );
    const good = lease({ holderIdentity: HOLDER, leaseTransitions: 4499 });
    for (let end = 0; end < good.length; end++) {
      expect(() => decodeLease(good.subarray(0, end)), `cut at ${end}`).toThrow(
        expect.objectContaining({ name: 'ValueDecodeError' }),
      );
    }
  });

  it('rejects a timestamp no clock can hold', () => {
    const value = lease({ holderIdentity: HOLDER, renewTime: { seconds: 9e15 } });
    expect(() => decodeLease(value)).toThrow(expect.objectContaining({ reason: 'malformed' }));
  });
});

describe('decodeLease on damaged object bytes', () => {
  it('throws nothing but ValueDecodeError', () => {
    const seed = encodeUpstream('k8s.io.api.coordination.v1.Lease', {
      metadata: {
        name: 'kube-scheduler',
        namespace: 'kube-system',
        creationTimestamp: { seconds: 1700000000 },
      },
      spec: { holderIdentity: HOLDER, renewTime: { seconds: 1714560000, nanos: 5 }, leaseTransitions: 4499 },
    });
    assertOnlyDecodeErrors(decodeLease, 'coordination.k8s.io/v1', 'Lease', seed);
  });
});
