import type { SqliteDatabase } from '../sqlite/open.js';
import { type IpamSummary, scanCalicoIpam } from './calico.js';
import { type ClusterInformationRecord, scanClusterInformation } from './cluster-information.js';
import { CONTROLLER_QUERIES } from './controller-queries.js';
import type { DecodeStats } from './decode-stats.js';
import { type LeaseRecord, scanLeases } from './leases.js';
import { type ControllerRbac, type RbacSubjectQuery, scanControllerRbac } from './rbac.js';
import { type SecretHistory, scanSecrets } from './secrets.js';
import { scanWebhooks, type WebhookRecord, type WebhookSummary } from './webhooks.js';

/** The decoded Kubernetes objects the findings need, read from the latest values only. */
export interface ClusterObjects {
  /** The first ANALYSIS_LIST_LIMIT (1,000) webhooks, in key order; `webhookSummary` counts them all. */
  webhooks: WebhookRecord[];
  webhookSummary: WebhookSummary;
  /** Cluster-wide grants and Deployments of the controllers in CONTROLLER_QUERIES. */
  controllers: ControllerRbac[];
  /** Calico's ClusterInformation `default` (the Calico version calico-node wrote); null when absent. */
  clusterInformation: ClusterInformationRecord | null;
  /** Calico IPAM against the pods; null when the snapshot has no Calico IPAM objects. */
  ipam: IpamSummary | null;
  secrets: SecretHistory;
}

/** Everything scanObjects reads. */
export interface ObjectScan {
  leases: LeaseRecord[];
  objects: ClusterObjects;
  /** Per decoded resource: values read, decoded, encrypted, failed (by reason). */
  decoding: DecodeStats[];
  /** Lists the scan kept only the first entries of (Analysis.truncatedLists): `objects.webhooks`. */
  truncatedLists: Record<string, number>;
}

/**
 * Decode the few resources the findings need. Each step streams its prefix with an index range
 * scan; a value that does not decode is counted, never fatal.
 */
export function scanObjects(
  db: SqliteDatabase,
  rbac: readonly RbacSubjectQuery[] = CONTROLLER_QUERIES,
): ObjectScan {
  const leases = scanLeases(db);
  const webhooks = scanWebhooks(db);
  const controllers = scanControllerRbac(db, rbac);
  const ipam = scanCalicoIpam(db);
  const info = scanClusterInformation(db);
  return {
    leases: leases.leases,
    objects: {
      webhooks: webhooks.webhooks,
      webhookSummary: webhooks.summary,
      controllers: controllers.controllers,
      clusterInformation: info.clusterInformation,
      ipam: ipam.ipam,
      secrets: scanSecrets(db),
    },
    decoding: [leases.stats, ...webhooks.stats, ...controllers.stats, ...ipam.stats, info.stats],
    truncatedLists:
      webhooks.summary.total > webhooks.webhooks.length ? { 'objects.webhooks': webhooks.summary.total } : {},
  };
}

export type { IpamLeak, IpamLeakReason, IpamSummary } from './calico.js';
export type { ClusterInformationRecord } from './cluster-information.js';
export { CONTROLLER_QUERIES } from './controller-queries.js';
export type { DecodeStats } from './decode-stats.js';
export type { LeaseRecord } from './leases.js';
export type { ControllerDeployment, ControllerRbac, RbacSubjectQuery, StoredClusterRole } from './rbac.js';
export type { SecretHistory } from './secrets.js';
export {
  isFailClosed,
  type OrphanedConfiguration,
  type WebhookRecord,
  type WebhookSummary,
  webhookCollector,
} from './webhooks.js';
