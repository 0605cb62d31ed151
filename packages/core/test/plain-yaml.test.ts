// plain-yaml.ts against the yaml package it stands in for: wherever it answers, its answer is the
// package's, byte for byte (stringify) or value for value (parse); elsewhere it answers undefined.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseNodeYaml, stringifyPlainYaml, type YamlMap, type YamlValue } from '../src/plain-yaml.js';

// Strings of the kinds RBAC names are made of, and a few that need the package's quoting rules.
const word = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9.-]{0,12}$/), weight: 12 },
  { arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9._/-]{0,8}$/), weight: 12 },
  { arbitrary: fc.constantFrom('', '*'), weight: 2 },
  {
    arbitrary: fc.constantFrom(...'true NULL no On y 1 0x1f .inf #x - ~'.split(' '), 'a b', 'a: b'),
    weight: 1,
  },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
);
const value: fc.Arbitrary<YamlValue> = fc.letrec<{ value: YamlValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    word,
    fc.array(fc.oneof(word, fc.dictionary(word, tie('value'), { minKeys: 1, maxKeys: 3 })), { maxLength: 4 }),
    fc.dictionary(word, tie('value'), { maxKeys: 4 }),
  ),
})).value;
const document = fc.dictionary(word, fc.option(value, { nil: undefined, freq: 8 }), {
  minKeys: 1,
  maxKeys: 4,
});

describe('stringifyPlainYaml', () => {
  it("writes what yaml's stringify writes, or leaves it to the package", () => {
    let answered = 0;
    fc.assert(
      fc.property(document, (doc: YamlMap) => {
        const ours = stringifyPlainYaml(doc);
        if (ours === undefined) return;
        answered += 1;
        expect(ours).toBe(stringify(doc));
      }),
      { numRuns: 2000 },
    );
    // Most documents of RBAC-like names are answered (the check would pass vacuously otherwise).
    expect(answered).toBeGreaterThan(300);
  });

  it('writes a corrected ClusterRole as the package does', () => {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'calico-kube-controllers' },
      rules: [
        { apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['watch', 'list', 'get'] },
        { apiGroups: ['crd.projectcalico.org'], resources: ['ipamblocks', 'blockaffinities'], verbs: ['*'] },
      ],
    };
    expect(stringifyPlainYaml(role)).toBe(stringify(role));
  });
});

// go-dqlite's node files: yaml.v2 Marshal of NodeInfo {ID uint64; Address string; Role int}.
const id = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
const address = fc.oneof(
  fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 65535 })).map(([host, port]) => `${host}:${port}`),
  fc.tuple(fc.domain(), fc.integer({ min: 1, max: 65535 })).map(([host, port]) => `${host}:${port}`),
);
const node = fc.record({ ID: id, Address: address, Role: fc.constantFrom('0', '1', '2') });
const lines = (n: { ID: string; Address: string; Role: string }) => [
  `Address: ${n.Address}`,
  `ID: ${n.ID}`,
  `Role: ${n.Role}`,
];

describe('parseNodeYaml', () => {
  it('reads info.yaml and cluster.yaml as yaml parses them, ids exact', () => {
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 5 }), fc.boolean(), (nodes, asList) => {
        const text = asList
          ? `${nodes
              .map((n) =>
                lines(n)
                  .map((line, i) => (i === 0 ? `- ${line}` : `  ${line}`))
                  .join('\n'),
              )
              .join('\n')}\n`
          : `${lines(nodes[0]!).join('\n')}\n`;
        const ours = parseNodeYaml(text);
        expect(ours).not.toBeUndefined();
        expect(ours).toEqual(parse(text, { intAsBigInt: true }));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves anything else to the package', () => {
    for (const text of [
      '',
      'ID: 1\nID: 2\n',
      "Address: '[::1]:9001'\n",
      'ID: 1 # comment\n',
      'ID: 1\r\n',
      '- ID: 1\nAddress: x:1\n',
      'Role: voter\n',
      'ID: 0x10\n',
      'constructor: 1\n',
    ]) {
      expect(parseNodeYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});
