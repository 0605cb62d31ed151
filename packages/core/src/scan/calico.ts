import { decodeIpamBlock, decodeIpamHandle } from '../k8s/calico.js';
import { listBlockAllocations } from '../k8s/calico-allocations.js';
import type { SqliteDatabase } from '../sqlite/open.js';
import { createDecodeCounter, type DecodeStats } from './decode-stats.js';
import { createKeyLookup, iterateLatest } from './latest.js';

/** Why a handle or address counts as leaked. */
export type IpamLeakReason = 'pod-missing' | 'no-allocation';

/** One leaked handle or address, for the report's examples. */
export interface IpamLeak {
  reason: IpamLeakReason;
  handleId: string;
  /** The IPAMHandle key; null for an address whose handle object is gone too. */
  key: string | null;
  namespace: string | null;
  pod: string | null;
  address: string | null;
}

/** Calico IPAM (Kubernetes datastore) cross-checked against the Pods in the same snapshot. */
export interface IpamSummary {
  handles: number;
  /**
   * Handles of pod network interfaces: an ID of the form `<network>.<containerID>`, or any handle a
   * block allocation ties to a pod; tunnel handles are not counted.
   */
  podHandles: number;
  blocks: number;
  /** Allocated addresses in all blocks. */
  allocations: number;
  /** Allocated addresses whose attributes name a pod. */
  podAllocations: number;
  /** Pod handles that are leaked: handlesWithPodMissing + handlesWithoutAllocation. */
  leakedHandles: number;
  /** Pod handles whose address names a pod that does not exist. */
  handlesWithPodMissing: number;
  /** Pod handles no block allocation refers to (what `calicoctl ipam check` calls handles with no matching IPs). */
  handlesWithoutAllocation: number;
  /** Addresses still allocated to a pod that does not exist. */
  leakedAllocations: number;
  /** Up to EXAMPLES_KEPT leaks, handles first. */
  examples: IpamLeak[];
}

const PREFIX = '/registry/crd.projectcalico.org/';
const EXAMPLES_KEPT = 10;

interface Owner {
  namespace: string | null;
  pod: string | null;
  address: string | null;
  podExists: boolean | null;
}

/**
 * Read IPAMBlocks (few: one per /26 by default) into a handle → owner map, then stream the IPAMHandles
 * against it. A pod counts as existing when `/registry/pods/<namespace>/<pod>` is live in the snapshot.
 * Returns null when the snapshot has no Calico IPAM objects.
 */
export function scanCalicoIpam(db: SqliteDatabase): { ipam: IpamSummary | null; stats: DecodeStats[] } {
  const exists = createKeyLookup(db);
  const blockCounter = createDecodeCounter('crd.projectcalico.org/ipamblocks');
  const handleCounter = createDecodeCounter('crd.projectcalico.org/ipamhandles');
  const summary: IpamSummary = {
    handles: 0,
    podHandles: 0,
    blocks: 0,
    allocations: 0,
    podAllocations: 0,
    leakedHandles: 0,
    handlesWithPodMissing: 0,
    handlesWithoutAllocation: 0,
    leakedAllocations: 0,
    examples: [],
  };
  const addressLeaks: IpamLeak[] = [];
  const owners = new Map<string, Owner>();

  for (const { key, value } of iterateLatest(db, `${PREFIX}ipamblocks/`)) {
    const block = blockCounter.decode(key, value, decodeIpamBlock);
    if (!block) continue;
    summary.blocks++;
    for (const allocation of listBlockAllocations(block)) {
      summary.allocations++;
      const namespace = allocation.namespace ?? null;
      const pod = allocation.pod ?? null;
      let podExists: boolean | null = null;
      if (namespace && pod) {
        summary.podAllocations++;
        podExists = exists(`/registry/pods/${namespace}/${pod}`);
        if (!podExists) {
          summary.leakedAllocations++;
          if (addressLeaks.length < EXAMPLES_KEPT) {
            addressLeaks.push({
              reason: 'pod-missing',
              handleId: allocation.handleId ?? '',
              key: null,
              namespace,
              pod,
              address: allocation.address ?? null,
            });
          }
        }
      }
      // Handle object names are the handle ID lower-cased (libcalico-go k8s/resources/ipam_handle.go).
      if (allocation.handleId) {
        owners.set(allocation.handleId.toLowerCase(), {
          namespace,
          pod,
          address: allocation.address ?? null,
          podExists,
        });
      }
    }
  }

  for (const { key, value } of iterateLatest(db, `${PREFIX}ipamhandles/`)) {
    const handle = handleCounter.decode(key, value, decodeIpamHandle);
    if (!handle) continue;
    summary.handles++;
    const owner = owners.get(handle.handleId.toLowerCase());
    // A handle whose block allocation names a pod is a pod's, whatever the form of its ID (CNI
    // plugins and Calico releases differ in how they build it).
    const tiedToPod = owner?.namespace != null && owner.pod != null;
    if ((handle.owner.type !== 'pod' && !tiedToPod) || handle.deleted) continue;
    summary.podHandles++;
    let reason: IpamLeakReason | null = null;
    if (!owner) reason = 'no-allocation';
    else if (owner.podExists === false) reason = 'pod-missing';
    if (!reason) continue;
    summary.leakedHandles++;
    if (reason === 'no-allocation') summary.handlesWithoutAllocation++;
    else summary.handlesWithPodMissing++;
    if (summary.examples.length < EXAMPLES_KEPT) {
      summary.examples.push({
        reason,
        handleId: handle.handleId,
        key,
        namespace: owner?.namespace ?? null,
        pod: owner?.pod ?? null,
        address: owner?.address ?? null,
      });
    }
  }
  // Addresses whose handle object is gone too are only visible from the block side.
  for (const leak of addressLeaks) {
    if (summary.examples.length >= EXAMPLES_KEPT) break;
    if (!summary.examples.some((e) => e.handleId === leak.handleId)) summary.examples.push(leak);
  }
  const seen =
    summary.blocks > 0 || summary.handles > 0 || blockCounter.stats.values + handleCounter.stats.values > 0;
  return { ipam: seen ? summary : null, stats: [blockCounter.stats, handleCounter.stats] };
}
