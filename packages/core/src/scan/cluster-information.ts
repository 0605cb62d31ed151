import { decodeClusterInformation } from '../k8s/calico.js';
import type { SqliteDatabase } from '../sqlite/open.js';
import { createDecodeCounter, type DecodeStats } from './decode-stats.js';
import { createLatestReader } from './latest.js';

/** Calico's ClusterInformation `default`, as stored. */
export interface ClusterInformationRecord {
  key: string;
  revision: number;
  /** `spec.calicoVersion`; null when the object has none. */
  calicoVersion: string | null;
}

export const CLUSTER_INFORMATION_KEY = '/registry/crd.projectcalico.org/clusterinformations/default';

/** Read the ClusterInformation `default` (one key); null when Calico never wrote one. */
export function scanClusterInformation(db: SqliteDatabase): {
  clusterInformation: ClusterInformationRecord | null;
  stats: DecodeStats;
} {
  const counter = createDecodeCounter('crd.projectcalico.org/clusterinformations');
  const found = createLatestReader(db)(CLUSTER_INFORMATION_KEY);
  const info = found ? counter.decode(found.key, found.value, decodeClusterInformation) : undefined;
  return {
    clusterInformation:
      found && info
        ? { key: found.key, revision: found.revision, calicoVersion: info.calicoVersion ?? null }
        : null,
    stats: counter.stats,
  };
}
