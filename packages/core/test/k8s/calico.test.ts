import { describe, expect, it } from 'vitest';
import {
  decodeBlockAffinity,
  decodeIpamBlock,
  decodeIpamHandle,
  parseHandleId,
} from '../../src/k8s/calico.js';
import { addressInCidr, listBlockAllocations } from '../../src/k8s/calico-allocations.js';

// Values shaped like what the apiserver stores for Calico's CRDs: unstructured JSON (Go's encoding/json,
// map keys sorted), one line, trailing newline, written by calico-node / CNI via libcalico-go's KDD
// backend with apiVersion crd.projectcalico.org/v1.
const stored = (object: unknown) => Buffer.from(`${JSON.stringify(object)}\n`);

const CONTAINER_ID = '4f3c2a1b9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b';
const HANDLE_ID = `k8s-pod-network.${CONTAINER_ID}`;

const managedFields = (manager: string) => [
  {
    apiVersion: 'crd.projectcalico.org/v1',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { '.': {}, 'f:block': {}, 'f:deleted': {}, 'f:handleID': {} } },
    manager,
    operation: 'Update',
    time: '2024-03-01T10:05:00Z',
  },
];

const handle = stored({
  apiVersion: 'crd.projectcalico.org/v1',
  kind: 'IPAMHandle',
  metadata: {
    creationTimestamp: '2024-03-01T10:05:00Z',
    generation: 1,
    managedFields: managedFields('calico'),
    name: HANDLE_ID, // the handle ID lower-cased (libcalico-go k8s/resources/ipam_handle.go parseKey)
    uid: '6b1f0c3e-2d4a-4e5b-9c8d-7a6f5e4d3c2b',
  },
  spec: { block: { '10.1.19.0/26': 1 }, deleted: false, handleID: HANDLE_ID },
});

const block = stored({
  apiVersion: 'crd.projectcalico.org/v1',
  kind: 'IPAMBlock',
  metadata: {
    creationTimestamp: '2024-03-01T10:00:00Z',
    generation: 14,
    managedFields: managedFields('calico-node'),
    name: '10-1-19-0-26', // names.CIDRToName
    uid: '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
  },
  spec: {
    affinity: 'host:node-1',
    allocations: [0, 1, null, 2, ...Array<null>(60).fill(null)],
    attributes: [
      { handle_id: 'vxlan-tunnel-addr-node-1', secondary: { node: 'node-1', type: 'vxlanTunnelAddress' } },
      {
        handle_id: HANDLE_ID,
        secondary: {
          namespace: 'kube-system',
          node: 'node-1',
          pod: 'coredns-7745f9f87f-x2k9p',
          timestamp: '2024-03-01 10:05:00.123456789 +0000 UTC',
        },
      },
      {
        handle_id: 'k8s-pod-network.0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c',
        secondary: {
          namespace: 'default',
          node: 'node-1',
          pod: 'web-0',
          timestamp: '2024-03-01 11:00:00 +0000 UTC',
        },
      },
    ],
    cidr: '10.1.19.0/26',
    deleted: false,
    sequenceNumber: 14,
    sequenceNumberForAllocation: { '0': 1, '1': 9, '3': 13 },
    strictAffinity: false,
    unallocated: [2, ...Array.from({ length: 60 }, (_, i) => i + 4)],
  },
});

const affinity = stored({
  apiVersion: 'crd.projectcalico.org/v1',
  kind: 'BlockAffinity',
  metadata: {
    creationTimestamp: '2024-03-01T10:00:00Z',
    generation: 2,
    name: 'node-1-10-1-19-0-26',
    uid: '3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9',
  },
  spec: { cidr: '10.1.19.0/26', deleted: 'false', node: 'node-1', state: 'confirmed' },
});

describe('decodeIpamHandle', () => {
  it('decodes the handle, its blocks and its owner', () => {
    expect(decodeIpamHandle(handle)).toEqual({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'IPAMHandle',
      metadata: {
        name: HANDLE_ID,
        uid: '6b1f0c3e-2d4a-4e5b-9c8d-7a6f5e4d3c2b',
        creationTimestamp: '2024-03-01T10:05:00Z',
        generation: 1,
      },
      handleId: HANDLE_ID,
      blocks: { '10.1.19.0/26': 1 },
      deleted: false,
      owner: { type: 'pod', network: 'k8s-pod-network', containerId: CONTAINER_ID },
    });
  });

  it('rejects other kinds and broken JSON', () => {
    expect(() => decodeIpamHandle(block)).toThrow(expect.objectContaining({ reason: 'wrong-kind' }));
    expect(() => decodeIpamHandle(handle.subarray(0, 50))).toThrow(
      expect.objectContaining({ name: 'ValueDecodeError', reason: 'invalid-json' }),
    );
    const noId = stored({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'IPAMHandle',
      metadata: {},
      spec: {},
    });
    expect(() => decodeIpamHandle(noId)).toThrow(expect.objectContaining({ reason: 'invalid-json' }));
    const protobufValue = Buffer.from('k8s\0\x0a\x00', 'latin1');
    expect(() => decodeIpamHandle(protobufValue)).toThrow(
      expect.objectContaining({ reason: 'invalid-json' }),
    );
  });
});

describe('parseHandleId', () => {
  it('recognises CNI, tunnel and other handles', () => {
    expect(parseHandleId(HANDLE_ID)).toEqual({
      type: 'pod',
      network: 'k8s-pod-network',
      containerId: CONTAINER_ID,
    });
    expect(parseHandleId('vxlan-tunnel-addr-node-1')).toEqual({
      type: 'tunnel',
      tunnel: 'vxlan',
      node: 'node-1',
    });
    expect(parseHandleId('ipip-tunnel-addr-node.example.com')).toEqual({
      type: 'tunnel',
      tunnel: 'ipip',
      node: 'node.example.com',
    });
    expect(parseHandleId('wireguard-v6-tunnel-addr-n2')).toMatchObject({
      tunnel: 'wireguard-v6',
      node: 'n2',
    });
    expect(parseHandleId('my-reservation')).toEqual({ type: 'other' });
    expect(parseHandleId('k8s-pod-network.short')).toEqual({ type: 'other' });
  });
});

describe('decodeIpamBlock', () => {
  it('decodes the block and its affinity', () => {
    const decoded = decodeIpamBlock(block);
    expect(decoded).toMatchObject({
      kind: 'IPAMBlock',
      metadata: { name: '10-1-19-0-26', generation: 14 },
      cidr: '10.1.19.0/26',
      affinity: 'host:node-1',
      affinityNode: 'node-1',
      deleted: false,
    });
    expect(decoded.allocations).toHaveLength(64);
    expect(decoded.allocations.slice(0, 4)).toEqual([0, 1, null, 2]);
    expect(decoded.unallocated).toHaveLength(61);
    expect(decoded.attributes[1]).toEqual({
      handleId: HANDLE_ID,
      secondary: {
        namespace: 'kube-system',
        node: 'node-1',
        pod: 'coredns-7745f9f87f-x2k9p',
        timestamp: '2024-03-01 10:05:00.123456789 +0000 UTC',
      },
    });
  });

  it('lists allocations with their addresses and owning pods', () => {
    const allocations = listBlockAllocations(decodeIpamBlock(block));
    expect(allocations).toEqual([
      {
        ordinal: 0,
        address: '10.1.19.0',
        handleId: 'vxlan-tunnel-addr-node-1',
        node: 'node-1',
        type: 'vxlanTunnelAddress',
        attributes: { node: 'node-1', type: 'vxlanTunnelAddress' },
      },
      {
        ordinal: 1,
        address: '10.1.19.1',
        handleId: HANDLE_ID,
        namespace: 'kube-system',
        pod: 'coredns-7745f9f87f-x2k9p',
        node: 'node-1',
        attributes: {
          namespace: 'kube-system',
          node: 'node-1',
          pod: 'coredns-7745f9f87f-x2k9p',
          timestamp: '2024-03-01 10:05:00.123456789 +0000 UTC',
        },
      },
      expect.objectContaining({ ordinal: 3, address: '10.1.19.3', namespace: 'default', pod: 'web-0' }),
    ]);
  });

  it('rejects a block without a CIDR or with a broken allocation', () => {
    const base = JSON.parse(block.toString()) as { spec: Record<string, unknown> };
    const noCidr = stored({ ...base, spec: { ...base.spec, cidr: undefined } });
    expect(() => decodeIpamBlock(noCidr)).toThrow(expect.objectContaining({ reason: 'invalid-json' }));
    const badAllocation = stored({ ...base, spec: { ...base.spec, allocations: [0, 'x'] } });
    expect(() => decodeIpamBlock(badAllocation)).toThrow(expect.objectContaining({ reason: 'invalid-json' }));
  });
});

describe('addressInCidr', () => {
  it('computes IPv4 and IPv6 addresses inside the block', () => {
    expect(addressInCidr('10.1.19.0/26', 63)).toBe('10.1.19.63');
    expect(addressInCidr('10.1.19.0/26', 64)).toBeUndefined();
    expect(addressInCidr('10.1.255.192/26', 1)).toBe('10.1.255.193');
    expect(addressInCidr('fd00:10:1::/122', 5)).toBe('fd00:10:1::5');
    expect(addressInCidr('fd00:0:0:1::ff00/120', 0x12)).toBe('fd00:0:0:1::ff12');
    expect(addressInCidr('2001:db8:0:0:1::/122', 1)).toBe('2001:db8::1:0:0:1');
    expect(addressInCidr('not-a-cidr', 1)).toBeUndefined();
  });
});

describe('decodeBlockAffinity', () => {
  it('decodes node, CIDR and state; the string "false" is not deleted', () => {
    expect(decodeBlockAffinity(affinity)).toEqual({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'BlockAffinity',
      metadata: {
        name: 'node-1-10-1-19-0-26',
        uid: '3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9',
        creationTimestamp: '2024-03-01T10:00:00Z',
        generation: 2,
      },
      node: 'node-1',
      cidr: '10.1.19.0/26',
      state: 'confirmed',
      deleted: false,
    });
  });

  it('reads a pending deletion', () => {
    const base = JSON.parse(affinity.toString()) as { spec: Record<string, unknown> };
    const deleting = stored({ ...base, spec: { ...base.spec, state: 'pendingDeletion', deleted: 'true' } });
    expect(decodeBlockAffinity(deleting)).toMatchObject({ state: 'pendingDeletion', deleted: true });
  });
});
