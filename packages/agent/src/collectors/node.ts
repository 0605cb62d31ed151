import { Gauge, type Registry } from 'prom-client';
import { setKnown, unknown } from './known.js';
import type { AgentParts, Collector } from './types.js';

const FS_SIZE = 'dqlite_filesystem_size_bytes';
const FS_FREE = 'dqlite_filesystem_free_bytes';
const DATA_DIR_UP = 'dqlite_agent_data_dir_up';
const INFO = 'dqlite_agent_info';
const MEMBERS = 'dqlite_cluster_members';

export const metricNames = [FS_SIZE, FS_FREE, DATA_DIR_UP, INFO, MEMBERS];

/** This node: free space for the data directory, identity and role, members, agent version. */
export function createNodeCollector(registry: Registry, sources: AgentParts): Collector {
  const registers = [registry];
  const size = unknown(
    new Gauge({
      name: FS_SIZE,
      help: 'Size of the filesystem holding the data directory.',
      registers,
    }),
  );
  const free = unknown(
    new Gauge({
      name: FS_FREE,
      help: 'Bytes available to unprivileged users on the filesystem holding the data directory.',
      registers,
    }),
  );
  const dirUp = new Gauge({
    name: DATA_DIR_UP,
    help: '1 when the data directory exists and is being watched.',
    registers,
  });
  const info = new Gauge({
    name: INFO,
    help: 'Always 1: this node (info.yaml) and the agent version.',
    labelNames: ['node_id', 'address', 'role', 'version'] as const,
    registers,
  });
  const members = new Gauge({
    name: MEMBERS,
    help: 'Cluster members by role, from cluster.yaml.',
    labelNames: ['role'] as const,
    registers,
  });
  return {
    name: 'node',
    update() {
      const fs = sources.poller.filesystem;
      setKnown(size, fs?.sizeBytes);
      setKnown(free, fs?.availableBytes);
      dirUp.set(sources.watcher.watching ? 1 : 0);
      const listing = sources.watcher.listing;
      const node = listing?.node;
      info.reset();
      info.set(
        {
          node_id: node?.id ?? '',
          address: node?.address ?? '',
          role: node?.role ?? 'unknown',
          version: sources.version,
        },
        1,
      );
      members.reset();
      for (const role of ['voter', 'standby', 'spare', 'unknown'] as const) {
        const count = listing?.members?.filter((member) => member.role === role).length ?? 0;
        if (count > 0 || role !== 'unknown') members.set({ role }, count);
      }
    },
  };
}
