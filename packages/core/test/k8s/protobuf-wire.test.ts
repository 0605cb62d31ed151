// Our wire decoder (k8s/protobuf-wire.ts) against protobufjs, which decoded these values before it:
// random objects of the upstream types (test/fixtures/k8s/proto), encoded by protobufjs from the
// upstream .proto files, decode to the same plain objects as protobufjs' own decoder gives for our
// field table. Damaged bytes fail as ValueDecodeError, or decode as protobufjs decodes them where
// it decodes them at all: it is laxer in places (a field's wire type is not checked) and stricter in
// others (a varint of more than 5 bytes is taken to be 10 long), so only where both succeed.
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ValueDecodeError } from '../../src/k8s/decode-error.js';
import { decodeMessage, MESSAGE_TYPES, type MessageName } from '../../src/k8s/schema.js';
import { encodeUpstream, upstreamType } from './upstream.js';

const reference = protobuf.Root.fromJSON({ nested: MESSAGE_TYPES });

function referenceDecode(name: MessageName, bytes: Uint8Array): unknown {
  const type = reference.lookupType(name);
  return type.toObject(type.decode(bytes), { longs: Number, arrays: true, objects: true });
}

// Buffers and Uint8Arrays compare as their bytes.
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value];
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));

// A random object of an upstream message type, from protobufjs' reflection of it; `depth` bounds
// the nesting of messages that (upstream) may contain one another (JSONSchemaProps does).
function objectOf(type: protobuf.Type, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of type.fieldsArray) {
    field.resolve();
    let value: fc.Arbitrary<unknown> | undefined;
    if (field.resolvedType instanceof protobuf.Type) {
      if (depth > 0) value = objectOf(field.resolvedType, depth - 1);
    } else if (field.resolvedType instanceof protobuf.Enum) {
      value = fc.constantFrom(...Object.values(field.resolvedType.values));
    } else {
      value = scalar(field.type);
    }
    if (value === undefined) continue;
    if (field instanceof protobuf.MapField) {
      fields[field.name] = fc.dictionary(fc.string({ maxLength: 8 }), value as fc.Arbitrary<string>, {
        maxKeys: 3,
      });
    } else if (field.repeated) fields[field.name] = fc.array(value, { maxLength: 3 });
    else fields[field.name] = value;
  }
  return fc.record(fields, { requiredKeys: [] });
}

function scalar(type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return text;
    case 'bytes':
      return fc.uint8Array({ maxLength: 8 });
    case 'bool':
      return fc.boolean();
    case 'int32':
      return fc.integer();
    case 'int64':
      return fc.oneof(fc.integer(), fc.integer({ min: -(2 ** 52), max: 2 ** 52 }));
    default:
      return fc.nat();
  }
}

const UPSTREAM: Array<[string, MessageName]> = [
  ['k8s.io.api.coordination.v1.Lease', 'Lease'],
  ['k8s.io.api.rbac.v1.ClusterRole', 'RbacRole'],
  ['k8s.io.api.rbac.v1.ClusterRoleBinding', 'RbacBinding'],
  ['k8s.io.api.admissionregistration.v1.MutatingWebhookConfiguration', 'MutatingWebhookConfiguration'],
  ['k8s.io.api.admissionregistration.v1.ValidatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  ['k8s.io.apimachinery.pkg.runtime.Unknown', 'Unknown'],
];

describe('the wire decoder agrees with protobufjs', () => {
  for (const [upstreamName, ours] of UPSTREAM) {
    it(`${ours}: random ${upstreamName.split('.').pop()} objects decode as protobufjs decodes them`, () => {
      const type = upstreamType(upstreamName);
      fc.assert(
        fc.property(objectOf(type, 4), (object) => {
          const bytes = encodeUpstream(upstreamName, object);
          expect(plain(decodeMessage(ours, bytes))).toEqual(plain(referenceDecode(ours, bytes)));
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('damaged bytes', () => {
  for (const [upstreamName, ours] of UPSTREAM) {
    it(`${ours}: fail as ValueDecodeError, or decode as protobufjs does where it succeeds`, () => {
      const type = upstreamType(upstreamName);
      const damaged = fc
        .tuple(objectOf(type, 3), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat())
        .map(([object, at, byte, cut]) => {
          // A Buffer, as SQLite hands values over: protobufjs reads those with Buffer's UTF-8
          // decoder (a plain Uint8Array with its own, which replaces invalid bytes differently).
          const bytes = Buffer.from(encodeUpstream(upstreamName, object));
          if (bytes.length > 0) bytes[at % bytes.length] = byte;
          return bytes.subarray(0, cut % (bytes.length + 1));
        });
      fc.assert(
        fc.property(damaged, (bytes) => {
          let decoded: unknown;
          try {
            decoded = decodeMessage(ours, bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(ValueDecodeError);
            return;
          }
          let expected: unknown;
          try {
            expected = referenceDecode(ours, bytes);
          } catch {
            return;
          }
          expect(plain(decoded)).toEqual(plain(expected));
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('deeply nested input costs its size', () => {
  // Field 99 as a group (tag (99 << 3) | 3 = 795 = varint 0x9b 0x06; its end (99 << 3) | 4 = 0x9c 0x06).
  const depth = 250_000;
  const nested = (closed: boolean) =>
    Buffer.concat([
      Buffer.alloc(2 * depth, Buffer.from([0x9b, 0x06])),
      closed ? Buffer.alloc(2 * depth, Buffer.from([0x9c, 0x06])) : Buffer.alloc(0),
    ]);

  it('skips 250,000 nested unknown groups without recursion, in linear time', () => {
    const started = performance.now();
    expect(decodeMessage('Lease', nested(true))).toEqual({});
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('an unclosed group is a ValueDecodeError, not a stack overflow', () => {
    expect(() => decodeMessage('Lease', nested(false))).toThrow(ValueDecodeError);
    expect(() => decodeMessage('Lease', nested(false))).toThrow(/truncated/);
  });
});
