import { decodeKind } from './decode-kind.js';
import { type ObjectMeta, type RawObjectMeta, type RawTime, toIsoTime, toObjectMeta } from './object-meta.js';

/** A coordination.k8s.io Lease (leader election, node heartbeats); times are ISO-8601 UTC. */
export interface Lease {
  apiVersion: string;
  kind: 'Lease';
  metadata: ObjectMeta;
  spec: LeaseSpec;
}

/** LeaseSpec; every field is optional upstream, so absent stays undefined. */
export interface LeaseSpec {
  /** Who holds the lease, e.g. `node-1_4f1c…` for kube-scheduler/controller-manager. */
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  /** How many times the lease changed holder; a large number means an unstable leader. */
  leaseTransitions?: number;
  strategy?: string;
  preferredHolder?: string;
}

interface RawLease {
  metadata?: RawObjectMeta;
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: RawTime;
    renewTime?: RawTime;
    leaseTransitions?: number;
    strategy?: string;
    preferredHolder?: string;
  };
}

/** Decode a stored Lease value (`/registry/leases/<ns>/<name>`); throws ValueDecodeError. */
export function decodeLease(value: Uint8Array): Lease {
  const { apiVersion, object } = decodeKind<RawLease>(value, 'coordination.k8s.io', ['Lease'], 'Lease');
  const raw = object.spec ?? {};
  const spec: LeaseSpec = {};
  if (raw.holderIdentity !== undefined) spec.holderIdentity = raw.holderIdentity;
  if (raw.leaseDurationSeconds !== undefined) spec.leaseDurationSeconds = raw.leaseDurationSeconds;
  const acquireTime = toIsoTime(raw.acquireTime);
  if (acquireTime !== undefined) spec.acquireTime = acquireTime;
  const renewTime = toIsoTime(raw.renewTime);
  if (renewTime !== undefined) spec.renewTime = renewTime;
  if (raw.leaseTransitions !== undefined) spec.leaseTransitions = raw.leaseTransitions;
  if (raw.strategy !== undefined) spec.strategy = raw.strategy;
  if (raw.preferredHolder !== undefined) spec.preferredHolder = raw.preferredHolder;
  return { apiVersion, kind: 'Lease', metadata: toObjectMeta(object.metadata), spec };
}
