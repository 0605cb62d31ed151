// Test helper: encode values with the UPSTREAM Kubernetes .proto files vendored under
// test/fixtures/k8s/proto (see its README), so decoders are checked against an encoder that does not
// share our field definitions.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { ValueDecodeError } from '../../src/k8s/decode-error.js';

const PROTO_DIR = fileURLToPath(new URL('../fixtures/k8s/proto/', import.meta.url));
const FILES = [
  'k8s.io/api/coordination/v1/generated.proto',
  'k8s.io/api/rbac/v1/generated.proto',
  'k8s.io/api/admissionregistration/v1/generated.proto',
];

let root: protobuf.Root | undefined;

function upstream(): protobuf.Root {
  if (root === undefined) {
    const r = new protobuf.Root();
    // Imports are written as Go import paths ("k8s.io/apimachinery/…"); the fixture tree mirrors them.
    r.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
    r.loadSync(FILES);
    r.resolveAll();
    root = r;
  }
  return root;
}

/** An upstream message type by its full name, as protobufjs reflects it. */
export function upstreamType(typeName: string): protobuf.Type {
  return upstream().lookupType(typeName);
}

/** Encode `object` as the fully qualified upstream message, e.g. `k8s.io.api.coordination.v1.Lease`. */
export function encodeUpstream(typeName: string, object: Record<string, unknown>): Uint8Array {
  const type = upstream().lookupType(typeName);
  const problem = type.verify(object);
  if (problem) throw new Error(`${typeName}: ${problem}`);
  return type.encode(type.fromObject(object)).finish();
}

/** Wrap object bytes the way kube-apiserver stores them: `k8s\0` + runtime.Unknown. */
export function wrapUnknown(apiVersion: string, kind: string, raw: Uint8Array, extra = {}): Uint8Array {
  const unknown = encodeUpstream('k8s.io.apimachinery.pkg.runtime.Unknown', {
    typeMeta: { apiVersion, kind },
    raw,
    ...extra,
  });
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}

/** Encode an API object with the upstream schema and wrap it as a stored value. */
export function storedValue(
  typeName: string,
  apiVersion: string,
  kind: string,
  object: Record<string, unknown>,
): Uint8Array {
  return wrapUnknown(apiVersion, kind, encodeUpstream(typeName, object));
}

/** A managedFields entry as the apiserver writes it, to prove unknown fields (17) are skipped. */
export const MANAGED_FIELDS = [
  {
    manager: 'kube-scheduler',
    operation: 'Update',
    apiVersion: 'coordination.k8s.io/v1',
    time: { seconds: 1714557600 },
    fieldsType: 'FieldsV1',
    fieldsV1: { Raw: Buffer.from('{"f:spec":{"f:holderIdentity":{}}}') },
  },
];

/**
 * Feed `decode` well-wrapped envelopes of `kind` whose object bytes are random or a damaged copy of
 * `seed`, and fail on anything thrown that is not a ValueDecodeError: callers count failures, a crash
 * would stop the whole analysis.
 */
export function assertOnlyDecodeErrors(
  decode: (value: Uint8Array) => unknown,
  apiVersion: string,
  kind: string,
  seed: Uint8Array,
): void {
  const damaged = fc
    .tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(seed.length))
    .map(([at, byte, cut]) => {
      const copy = Uint8Array.from(seed);
      copy[at] = byte;
      return copy.subarray(0, Math.max(1, cut));
    });
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 300 }), damaged), (raw) => {
      try {
        decode(wrapUnknown(apiVersion, kind, raw));
      } catch (error) {
        if (!(error instanceof ValueDecodeError)) throw error;
      }
    }),
    { numRuns: 500 },
  );
}
