import { INCIDENT_TRAILER, writeIncident } from '@dqlite-analyzer/test-support/incident';
import { encrypted, ipamHandle, pod, podHandleId } from '@dqlite-analyzer/test-support/k8s-values';
import { describe, expect, it } from 'vitest';
import { parseRegistryKey } from '../../src/k8s/keys.js';
import { OTHER_PREFIX, prefixOfKey, withKeyPrefix } from '../../src/kine/key-prefix.js';
import { bytesValue, kineDb, kineValue } from './kine-db.js';
import { readKineRevisions, readPrefixUsage } from './reference.js';

const KEYS = [
  '/registry/pods/default/web-1',
  '/registry/services/specs/default/kubernetes',
  '/registry/services/endpoints/default/kubernetes',
  '/registry/minions/node-1',
  '/registry/crd.projectcalico.org/ipamhandles/k8s-pod-network.abc',
  '/registry/apiextensions.k8s.io/customresourcedefinitions/ipamblocks.crd.projectcalico.org',
  '/registry/ranges/serviceips',
  '/registry/leases/kube-system/kube-scheduler',
  '/bootstrap/abc',
  'plain-key',
];

describe('key prefixes', () => {
  it('splits keys the same way in SQL and in JS, and agrees with parseRegistryKey', () => {
    const db = kineDb(() => {});
    const rows = db
      .prepare(
        `WITH ${withKeyPrefix(`SELECT value AS name FROM json_each(?)`)} SELECT name, prefix, namespace FROM keyed`,
      )
      .all(JSON.stringify(KEYS)) as { name: string; prefix: string; namespace: string | null }[];
    for (const row of rows) {
      expect(row.prefix, row.name).toBe(prefixOfKey(row.name));
      const parsed = parseRegistryKey(row.name);
      if (parsed) {
        expect(row.prefix).toBe(parsed.prefix);
        expect(row.namespace).toBe(parsed.namespace ?? null);
      } else {
        expect(row.prefix).toBe(OTHER_PREFIX);
      }
    }
    expect(rows.map((r) => r.prefix)).toEqual([
      'pods',
      'services/specs',
      'services/endpoints',
      'minions',
      'crd.projectcalico.org/ipamhandles',
      'apiextensions.k8s.io/customresourcedefinitions',
      'ranges',
      'leases',
      OTHER_PREFIX,
      OTHER_PREFIX,
    ]);
  });
});

describe('readPrefixUsage', () => {
  const db = kineDb((h) => {
    for (const name of ['a', 'b', 'c'])
      h.create(`/registry/pods/default/${name}`, bytesValue(pod('default', name)));
    h.create('/registry/pods/kube-system/d', bytesValue(pod('kube-system', 'd')));
    h.update('/registry/pods/default/a', bytesValue(pod('default', 'a')));
    h.update('/registry/pods/default/a', bytesValue(pod('default', 'a')));
    h.delete('/registry/pods/default/c');
    h.create('/registry/secrets/default/s', bytesValue(encrypted(40)));
    h.create(
      '/registry/crd.projectcalico.org/ipamhandles/h1',
      bytesValue(ipamHandle(podHandleId(1), '10.1.0.0/26')),
    );
    // Zeros, not random bytes: random bytes start with '{' (or whitespace and '{'), JSON to the classifier, about once in 250 runs.
    h.create('/registry/minions/node-1', kineValue.zero(50));
    h.gap(3);
    h.compact(2);
  });

  it('adds up to the table-wide kine figures', () => {
    const prefixes = readPrefixUsage(db);
    const totals = readKineRevisions(db);
    const sum = (pick: (p: (typeof prefixes)[number]) => number) => prefixes.reduce((s, p) => s + pick(p), 0);
    expect(sum((p) => p.liveKeys)).toBe(totals.liveKeys);
    expect(sum((p) => p.liveBytes)).toBe(totals.liveBytes);
    expect(sum((p) => p.historyRows)).toBe(totals.historyRows);
    expect(sum((p) => p.historyBytes)).toBe(totals.historyBytes);
    expect(sum((p) => p.tombstones)).toBe(totals.tombstones);
    expect(sum((p) => p.deletedKeys)).toBe(totals.deletedKeys);
    expect(sum((p) => p.rows)).toBe(totals.rows - totals.gapRows - totals.compactRevKeyRows);
  });

  it('counts each resource and classifies its live values', () => {
    const prefixes = readPrefixUsage(db);
    const pods = prefixes.find((p) => p.prefix === 'pods')!;
    // a: 3 rows (2 superseded), b: 1, c: create + tombstone, d: 1.
    expect(pods).toMatchObject({
      group: '',
      resource: 'pods',
      rows: 7,
      liveKeys: 3,
      historyRows: 3,
      tombstones: 1,
      deletedKeys: 1,
      values: { protobuf: 3, json: 0, encrypted: 0, empty: 0, other: 0 },
    });
    expect(prefixes.find((p) => p.prefix === 'secrets')?.values).toEqual({
      protobuf: 0,
      json: 0,
      encrypted: 1,
      empty: 0,
      other: 0,
      oversized: 0,
    });
    expect(prefixes.find((p) => p.prefix === 'crd.projectcalico.org/ipamhandles')).toMatchObject({
      group: 'crd.projectcalico.org',
      resource: 'ipamhandles',
      values: { json: 1 },
    });
    expect(prefixes.find((p) => p.prefix === 'minions')).toMatchObject({
      resource: 'nodes',
      values: { other: 1 },
    });
    expect(prefixes.some((p) => p.prefix.startsWith('gap') || p.prefix === 'compact_rev_key')).toBe(false);
    expect(pods.namespaces).toBeUndefined();
  });

  it('breaks a resource down by namespace on request', () => {
    const pods = readPrefixUsage(db, { byNamespace: true }).find((p) => p.prefix === 'pods')!;
    expect(pods.namespaces?.map((n) => [n.namespace, n.liveKeys, n.rows])).toEqual([
      ['default', 2, 6],
      ['kube-system', 1, 1],
    ]);
    expect(
      readPrefixUsage(db, { byNamespace: true }).find((p) => p.prefix === 'minions')?.namespaces,
    ).toEqual([]);
  });
});

describe('readPrefixUsage on the other kine layouts', () => {
  it('gives the same figures for every schema variant', () => {
    const reference = readPrefixUsage(kineDb(writeIncident, 'v1', INCIDENT_TRAILER), { byNamespace: true });
    for (const variant of ['legacy', 'v65536'] as const) {
      expect(
        readPrefixUsage(kineDb(writeIncident, variant, INCIDENT_TRAILER), { byNamespace: true }),
      ).toEqual(reference);
    }
    // Three incident databases built and read row by row: seconds on a loaded two-core machine.
  }, 30_000);
});
