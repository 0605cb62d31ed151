import { decodeLease } from '../k8s/lease.js';
import type { SqliteDatabase } from '../sqlite/open.js';
import { createDecodeCounter, type DecodeStats } from './decode-stats.js';
import { createRevisionCounter, iterateLatest } from './latest.js';

/** A coordination.k8s.io Lease as stored: who holds it and how often it changed hands. */
export interface LeaseRecord {
  namespace: string;
  name: string;
  key: string;
  /** kine id of the latest revision. */
  revision: number;
  /** Rows of this key still in the table (each renew writes one). */
  retainedRevisions: number;
  holderIdentity: string | null;
  leaseDurationSeconds: number | null;
  /** ISO-8601 UTC. */
  acquireTime: string | null;
  renewTime: string | null;
  /** How many times the lease changed holder since it was created. */
  leaseTransitions: number | null;
  createdAt: string | null;
}

const LEASES_PREFIX = '/registry/leases/';

/** Decode the latest value of every Lease; most transitions first. */
export function scanLeases(db: SqliteDatabase): { leases: LeaseRecord[]; stats: DecodeStats } {
  const counter = createDecodeCounter('leases');
  const revisionsOf = createRevisionCounter(db);
  const leases: LeaseRecord[] = [];
  for (const { key, revision, value } of iterateLatest(db, LEASES_PREFIX)) {
    const lease = counter.decode(key, value, decodeLease);
    if (!lease) continue;
    const [namespace = '', name = ''] = key.slice(LEASES_PREFIX.length).split('/');
    leases.push({
      namespace: lease.metadata.namespace ?? namespace,
      name: lease.metadata.name || name,
      key,
      revision,
      retainedRevisions: revisionsOf(key),
      holderIdentity: lease.spec.holderIdentity ?? null,
      leaseDurationSeconds: lease.spec.leaseDurationSeconds ?? null,
      acquireTime: lease.spec.acquireTime ?? null,
      renewTime: lease.spec.renewTime ?? null,
      leaseTransitions: lease.spec.leaseTransitions ?? null,
      createdAt: lease.metadata.creationTimestamp ?? null,
    });
  }
  leases.sort((a, b) => (b.leaseTransitions ?? 0) - (a.leaseTransitions ?? 0) || a.key.localeCompare(b.key));
  return { leases, stats: counter.stats };
}
