import type { Registry } from 'prom-client';
import { Gauges } from './gauges.js';
import type { AgentParts, Collector } from './types.js';

const ROLES = ['voter', 'standby', 'spare', 'unknown'] as const;

/** This node: free space for the data directory, identity and role, members, agent version. */
export function createNodeCollector(registry: Registry, sources: AgentParts): Collector {
  const gauges = new Gauges<AgentParts>(registry);
  gauges.value(
    'dqlite_filesystem_size_bytes',
    'Size of the filesystem holding the data directory.',
    (s) => s.poller.filesystem?.sizeBytes,
  );
  gauges.value(
    'dqlite_filesystem_free_bytes',
    'Bytes available to unprivileged users on the filesystem holding the data directory.',
    (s) => s.poller.filesystem?.availableBytes,
  );
  gauges.value('dqlite_agent_data_dir_up', '1 when the data directory exists and is being watched.', (s) =>
    s.watcher.watching ? 1 : 0,
  );
  gauges.labelled(
    'dqlite_agent_info',
    'Always 1: this node (info.yaml) and the agent version.',
    ['node_id', 'address', 'role', 'version'],
    (s) => {
      const node = s.watcher.listing?.node;
      const labels = {
        node_id: node?.id ?? '',
        address: node?.address ?? '',
        role: node?.role ?? 'unknown',
        version: s.version,
      };
      return [[labels, 1]];
    },
  );
  gauges.labelled('dqlite_cluster_members', 'Cluster members by role, from cluster.yaml.', ['role'], (s) =>
    ROLES.flatMap((role) => {
      const count = s.watcher.listing?.members?.filter((member) => member.role === role).length ?? 0;
      return count > 0 || role !== 'unknown' ? [[{ role }, count] as const] : [];
    }),
  );
  return { name: 'node', update: () => gauges.update(sources) };
}
