import { ValueDecodeError } from './decode-error.js';

// Calico IPAM CRDs, stored by the apiserver as JSON under /registry/crd.projectcalico.org/<plural>/<name>.
// Field names from projectcalico/calico libcalico-go/lib/apis/internalapi (ipam_block.go, ipam_handle.go,
// blockaffinity.go; formerly lib/apis/v3), which the crd.projectcalico.org/v1 types embed as `spec`.

const CALICO_GROUP = 'crd.projectcalico.org';

/** The metadata Calico IPAM objects carry that we keep. */
export interface CalicoMeta {
  name: string;
  uid?: string;
  creationTimestamp?: string;
  generation?: number;
}

/** Who an IPAM handle belongs to, read from its handle ID. */
export type HandleOwner =
  | { type: 'pod'; network: string; containerId: string }
  | { type: 'tunnel'; tunnel: string; node: string }
  | { type: 'other' };

/** An IPAMHandle: one allocation owner and how many addresses it holds in each block. */
export interface IpamHandle {
  apiVersion: string;
  kind: 'IPAMHandle';
  metadata: CalicoMeta;
  /** e.g. `k8s-pod-network.<containerID>`; the object name is this, lower-cased. */
  handleId: string;
  /** Block CIDR → number of addresses this handle holds there. */
  blocks: Record<string, number>;
  /** Set while Calico deletes the handle (mark-then-delete, libcalico-go k8s/resources/ipam_handle.go). */
  deleted: boolean;
  owner: HandleOwner;
}

/** One entry of an IPAMBlock's attributes: the owner of one or more allocations. */
export interface IpamAttribute {
  handleId?: string;
  /** Calico CNI writes `namespace`, `pod`, `node`, `timestamp`; tunnel addresses carry `node`, `type`. */
  secondary: Record<string, string>;
}

/** An IPAMBlock: a CIDR carved out of a pool and, usually, affine to one node. */
export interface IpamBlock {
  apiVersion: string;
  kind: 'IPAMBlock';
  metadata: CalicoMeta;
  cidr: string;
  /** `host:<node>` when the block belongs to a node. */
  affinity?: string;
  /** The node from a `host:` affinity. */
  affinityNode?: string;
  /** Per ordinal in the block: index into `attributes`, or null when the address is free. */
  allocations: (number | null)[];
  unallocated: number[];
  attributes: IpamAttribute[];
  deleted: boolean;
}

/** A BlockAffinity: the claim of a node on a block. */
export interface BlockAffinity {
  apiVersion: string;
  kind: 'BlockAffinity';
  metadata: CalicoMeta;
  node: string;
  cidr: string;
  /** `confirmed`, `pending` or `pendingDeletion` (libcalico-go lib/backend/model/block_affinity.go). */
  state: string;
  type?: string;
  deleted: boolean;
}

type Json = Record<string, unknown>;

function fail(message: string): never {
  throw new ValueDecodeError('invalid-json', message);
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseObject(
  value: Uint8Array,
  kind: string,
): { apiVersion: string; metadata: CalicoMeta; spec: Json } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value));
  } catch (error) {
    throw new ValueDecodeError('invalid-json', `not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isObject(parsed)) fail('JSON value is not an object');
  const apiVersion = typeof parsed.apiVersion === 'string' ? parsed.apiVersion : '';
  if (parsed.kind !== kind || !apiVersion.startsWith(`${CALICO_GROUP}/`)) {
    throw new ValueDecodeError(
      'wrong-kind',
      `expected ${kind} in ${CALICO_GROUP}, found ${String(parsed.kind)} ${apiVersion}`,
    );
  }
  const rawMeta = isObject(parsed.metadata) ? parsed.metadata : {};
  const metadata: CalicoMeta = { name: optString(rawMeta, 'name') ?? '' };
  const uid = optString(rawMeta, 'uid');
  if (uid) metadata.uid = uid;
  const created = optString(rawMeta, 'creationTimestamp');
  if (created) metadata.creationTimestamp = created;
  if (typeof rawMeta.generation === 'number') metadata.generation = rawMeta.generation;
  return { apiVersion, metadata, spec: isObject(parsed.spec) ? parsed.spec : {} };
}

function optString(obj: Json, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(`${key} is not a string`);
  return v;
}

function reqString(obj: Json, key: string): string {
  return optString(obj, key) ?? fail(`${key} is missing`);
}

// BlockAffinity.spec.deleted is a string for compatibility with releases that wrote it as one.
const isTrue = (v: unknown): boolean => v === true || v === 'true';

// Tunnel addresses are allocated by calico-node under `<kind>-tunnel-addr-<node>`
// (projectcalico/calico node/pkg/allocateip); every other handle is a CNI one.
const TUNNEL_HANDLE = /^(ipip|vxlan|vxlan-v6|wireguard|wireguard-v6)-tunnel-addr-(.+)$/;

/**
 * Read who owns an IPAM handle from its ID: Calico CNI uses `<network>.<containerID>`
 * (cni-plugin GetHandleID; the network is `k8s-pod-network` in stock installs), calico-node uses
 * `<kind>-tunnel-addr-<node>` for tunnel addresses. The pod's name is not in the handle: it is in the
 * `secondary` attributes of the block allocations that carry this handle ID.
 */
export function parseHandleId(handleId: string): HandleOwner {
  const tunnel = TUNNEL_HANDLE.exec(handleId);
  if (tunnel) return { type: 'tunnel', tunnel: tunnel[1]!, node: tunnel[2]! };
  const dot = handleId.lastIndexOf('.');
  const containerId = handleId.slice(dot + 1);
  // Container runtimes use 64 hex digits; a plain name with a dot is not a CNI handle.
  if (dot > 0 && /^[0-9a-f]{64}$/i.test(containerId)) {
    return { type: 'pod', network: handleId.slice(0, dot), containerId };
  }
  return { type: 'other' };
}

/** Decode a stored IPAMHandle value (JSON); throws ValueDecodeError. */
export function decodeIpamHandle(value: Uint8Array): IpamHandle {
  const { apiVersion, metadata, spec } = parseObject(value, 'IPAMHandle');
  const handleId = reqString(spec, 'handleID');
  const blocks: Record<string, number> = {};
  if (spec.block !== undefined && spec.block !== null) {
    if (!isObject(spec.block)) fail('block is not an object');
    for (const [cidr, count] of Object.entries(spec.block)) {
      if (typeof count !== 'number') fail(`block[${cidr}] is not a number`);
      blocks[cidr] = count;
    }
  }
  return {
    apiVersion,
    kind: 'IPAMHandle',
    metadata,
    handleId,
    blocks,
    deleted: isTrue(spec.deleted),
    owner: parseHandleId(handleId),
  };
}

/** Decode a stored IPAMBlock value (JSON); throws ValueDecodeError. */
export function decodeIpamBlock(value: Uint8Array): IpamBlock {
  const { apiVersion, metadata, spec } = parseObject(value, 'IPAMBlock');
  const cidr = reqString(spec, 'cidr');
  const allocations = (Array.isArray(spec.allocations) ? spec.allocations : []).map((a, i) => {
    if (a === null || (typeof a === 'number' && Number.isInteger(a))) return a;
    return fail(`allocations[${i}] is not an integer or null`);
  });
  const unallocated = (Array.isArray(spec.unallocated) ? spec.unallocated : []).filter(
    (u): u is number => typeof u === 'number',
  );
  const attributes = (Array.isArray(spec.attributes) ? spec.attributes : []).map((a, i) => {
    if (!isObject(a)) return fail(`attributes[${i}] is not an object`);
    const attribute: IpamAttribute = { secondary: {} };
    const handleId = optString(a, 'handle_id');
    if (handleId !== undefined) attribute.handleId = handleId;
    if (isObject(a.secondary)) {
      for (const [k, v] of Object.entries(a.secondary)) if (typeof v === 'string') attribute.secondary[k] = v;
    }
    return attribute;
  });
  const block: IpamBlock = {
    apiVersion,
    kind: 'IPAMBlock',
    metadata,
    cidr,
    allocations,
    unallocated,
    attributes,
    deleted: isTrue(spec.deleted),
  };
  const affinity = optString(spec, 'affinity');
  if (affinity) {
    block.affinity = affinity;
    if (affinity.startsWith('host:')) block.affinityNode = affinity.slice('host:'.length);
  }
  return block;
}

/** Decode a stored BlockAffinity value (JSON); throws ValueDecodeError. */
export function decodeBlockAffinity(value: Uint8Array): BlockAffinity {
  const { apiVersion, metadata, spec } = parseObject(value, 'BlockAffinity');
  const affinity: BlockAffinity = {
    apiVersion,
    kind: 'BlockAffinity',
    metadata,
    node: reqString(spec, 'node'),
    cidr: reqString(spec, 'cidr'),
    state: optString(spec, 'state') ?? '',
    deleted: isTrue(spec.deleted),
  };
  const type = optString(spec, 'type');
  if (type) affinity.type = type;
  return affinity;
}

/** Calico's ClusterInformation `default`: calico-node writes the release it runs into it at start-up. */
export interface ClusterInformation {
  apiVersion: string;
  kind: 'ClusterInformation';
  metadata: CalicoMeta;
  /** e.g. `v3.13.2` (projectcalico/calico api/pkg/apis/projectcalico/v3/clusterinfo.go calicoVersion). */
  calicoVersion?: string;
  clusterType?: string;
}

/** Decode a stored ClusterInformation (JSON); throws ValueDecodeError. */
export function decodeClusterInformation(value: Uint8Array): ClusterInformation {
  const { apiVersion, metadata, spec } = parseObject(value, 'ClusterInformation');
  const info: ClusterInformation = { apiVersion, kind: 'ClusterInformation', metadata };
  const calicoVersion = optString(spec, 'calicoVersion');
  if (calicoVersion) info.calicoVersion = calicoVersion;
  const clusterType = optString(spec, 'clusterType');
  if (clusterType) info.clusterType = clusterType;
  return info;
}
