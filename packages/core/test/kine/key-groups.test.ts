import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKineKey, KeyGroups, namespaceOfKey } from '../../src/kine/key-groups.js';
import { OTHER_PREFIX, prefixOfKey } from '../../src/kine/key-prefix.js';

// Ordinary keys next to the shapes a per-directory cache could get wrong: prefixes that take in the
// last segment (`/registry/<resource>`, `/registry/<group>/<resource>`), subdirectories, empty
// segments, and kine's own rows.
const KEYS = [
  '/registry/pods/default/web-1',
  '/registry/pods/default/web-1/sub',
  '/registry/pods/default/',
  '/registry/pods//x',
  '/registry/minions/node-1',
  '/registry/foo',
  '/registry/bar',
  '/registry/',
  '/registry/crd.example.com/widgets',
  '/registry/crd.example.com/gadgets',
  '/registry/crd.example.com/',
  '/registry/crd.example.com/widgets/ns/w',
  '/registry/services/specs',
  '/registry/services/specs/default/kubernetes',
  '/registry',
  'compact_rev_key',
  'gap-12',
  'gap-1/x',
  'gap',
  'plain-key',
  'other/x/y',
  '',
];

// What the key itself says, computed the slow way.
function expectGroupOf(groups: KeyGroups, key: string, byNamespace: boolean): void {
  const group = groups.of(key);
  if (isKineKey(key)) {
    expect(group, key).toBeNull();
    return;
  }
  const prefix = prefixOfKey(key);
  expect(group, key).toMatchObject({ prefix, namespace: byNamespace ? namespaceOfKey(key, prefix) : null });
}

describe('KeyGroups', () => {
  it('gives every key its own prefix and namespace, whichever key of its directory came first', () => {
    for (const byNamespace of [true, false]) {
      for (const keys of [KEYS, [...KEYS].reverse()]) {
        const groups = new KeyGroups(byNamespace);
        for (const key of [...keys, ...keys]) expectGroupOf(groups, key, byNamespace);
      }
    }
  });

  it('does so for arbitrary keys made of the segments that matter', () => {
    const segment = fc.constantFrom('', 'registry', 'pods', 'services', 'specs', 'g.io', 'ns', 'gap-1', 'x');
    const segments = fc.array(segment, { maxLength: 5 });
    // Mostly `/registry/…` keys, so that keys of one directory meet often.
    const key = fc.oneof(
      { arbitrary: segments.map((s) => `/registry/${s.join('/')}`), weight: 4 },
      {
        arbitrary: fc.tuple(fc.boolean(), segments).map(([rooted, s]) => (rooted ? '/' : '') + s.join('/')),
        weight: 1,
      },
    );
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 40 }), fc.boolean(), (keys, byNamespace) => {
        const groups = new KeyGroups(byNamespace);
        for (const k of keys) expectGroupOf(groups, k, byNamespace);
      }),
      { seed: 0xd9a, numRuns: 500 },
    );
  });

  it('adds directories up per prefix and namespace', () => {
    const groups = new KeyGroups(true);
    for (const key of [
      '/registry/pods/a/x',
      '/registry/pods/a/y/z',
      '/registry/pods/b/x',
      '/registry/foo',
      'k',
    ])
      groups.of(key)!.usage.rows += 1;
    const prefixes = groups.toPrefixes();
    expect(prefixes.map((p) => [p.prefix, p.rows, p.namespaces?.map((n) => [n.namespace, n.rows])])).toEqual([
      [OTHER_PREFIX, 1, []],
      ['foo', 1, []],
      [
        'pods',
        3,
        [
          ['a', 2],
          ['b', 1],
        ],
      ],
    ]);
    expect(groups.total().rows).toBe(5);
  });
});
