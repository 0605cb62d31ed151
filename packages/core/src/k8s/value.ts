import { ValueDecodeError } from './decode-error.js';
import { decodeMessage } from './schema.js';

/** How a kine `value` is encoded, judged from its first bytes only. */
export type ValueClass = 'protobuf' | 'json' | 'encrypted' | 'empty' | 'unknown';

/** The `runtime.Unknown` wrapper around every protobuf value kube-apiserver stores. */
export interface Envelope {
  apiVersion: string;
  kind: string;
  /** The object itself, protobuf-encoded (a view into the input, not a copy). */
  raw: Uint8Array;
  contentEncoding?: string;
  contentType?: string;
}

/** Which at-rest encryption provider and key wrote a value (`k8s:enc:<provider>:<version>:<key>:`). */
export interface EncryptionPrefix {
  provider: string;
  version: string;
  keyName: string;
}

// "k8s\0": StorageBinaryMediaType magic (k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go).
/** The 4-byte magic that starts every Kubernetes protobuf value. */
export const PROTOBUF_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

// Written by the apiserver's envelope transformers (k8s.io/apiserver/pkg/storage/value/encrypt/*);
// `identity` writes plaintext and so never carries it.
/** Prefix of every value encrypted at rest. */
export const ENCRYPTED_PREFIX = 'k8s:enc:';

const ENCRYPTED_BYTES = new TextEncoder().encode(ENCRYPTED_PREFIX);
const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OPEN_BRACE = 0x7b;
// Longest prefix we bother to parse: provider and key names are short in practice.
const MAX_ENCRYPTION_PREFIX_BYTES = 256;

function startsWith(value: Uint8Array, prefix: Readonly<Uint8Array>): boolean {
  if (value.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (value[i] !== prefix[i]) return false;
  return true;
}

/** Classify a value from its leading bytes; cheap enough to run on every kine row. */
export function classifyValue(value: Uint8Array | null | undefined): ValueClass {
  // Tombstones (deleted = 1) carry NULL; an empty BLOB says no more.
  if (value == null || value.length === 0) return 'empty';
  if (startsWith(value, PROTOBUF_MAGIC)) return 'protobuf';
  if (startsWith(value, ENCRYPTED_BYTES)) return 'encrypted';
  // CRDs, apiextensions and apiregistration objects are stored as JSON (k8s ≤1.5 stored everything so).
  let i = 0;
  while (i < value.length && JSON_WHITESPACE.has(value[i]!)) i++;
  if (value[i] === OPEN_BRACE) return 'json';
  return 'unknown';
}

/** Read `k8s:enc:<provider>:<version>:<key>:` from an encrypted value, or null if it has none. */
export function parseEncryptionPrefix(value: Uint8Array): EncryptionPrefix | null {
  if (!startsWith(value, ENCRYPTED_BYTES)) return null;
  const head = Buffer.from(
    value.buffer,
    value.byteOffset,
    Math.min(value.length, MAX_ENCRYPTION_PREFIX_BYTES),
  );
  // latin1 keeps one char per byte, so the ciphertext after the prefix cannot shift the split.
  const parts = head.toString('latin1').split(':');
  // ['k8s', 'enc', provider, version, key, <ciphertext…>]: the key needs its closing ':'.
  if (parts.length < 6) return null;
  const [, , provider, version, keyName] = parts as [string, string, string, string, string];
  if (!provider || !version) return null;
  return { provider, version, keyName };
}

interface RawEnvelope {
  typeMeta?: { apiVersion?: string; kind?: string };
  raw?: Uint8Array;
  contentEncoding?: string;
  contentType?: string;
}

/** Decode the `k8s\0` + `runtime.Unknown` envelope; throws ValueDecodeError on anything else. */
export function decodeEnvelope(value: Uint8Array): Envelope {
  if (!startsWith(value, PROTOBUF_MAGIC)) {
    throw new ValueDecodeError('not-protobuf', `value is ${classifyValue(value)}, not Kubernetes protobuf`);
  }
  const msg = decodeMessage<RawEnvelope>('Unknown', value.subarray(PROTOBUF_MAGIC.length));
  const apiVersion = msg.typeMeta?.apiVersion ?? '';
  const kind = msg.typeMeta?.kind ?? '';
  // Every stored object names its type; random bytes after the magic usually do not.
  if (apiVersion === '' || kind === '') {
    throw new ValueDecodeError('malformed', 'protobuf envelope has no apiVersion/kind');
  }
  // Every stored object has at least its metadata, and raw is the last field: an envelope without it
  // is a value cut right after typeMeta.
  if (msg.raw === undefined || msg.raw.length === 0) {
    throw new ValueDecodeError('malformed', `protobuf envelope of ${kind} holds no object bytes`);
  }
  const envelope: Envelope = { apiVersion, kind, raw: msg.raw };
  if (msg.contentEncoding) envelope.contentEncoding = msg.contentEncoding;
  if (msg.contentType) envelope.contentType = msg.contentType;
  return envelope;
}

/** What one value is, without decoding the object inside: safe for Secrets. */
export interface ValueSummary {
  encoding: ValueClass;
  sizeBytes: number;
  /** From the protobuf envelope or the JSON object, when readable. */
  apiVersion?: string;
  kind?: string;
  /** For encrypted values: provider and key that wrote them. */
  encryption?: EncryptionPrefix;
  /** Set when a protobuf or JSON value could not be read. */
  error?: ValueDecodeError['reason'];
}

/** Classify and size a value and read its apiVersion/kind if it has them; never throws. */
export function summarizeValue(value: Uint8Array | null | undefined): ValueSummary {
  const encoding = classifyValue(value);
  const summary: ValueSummary = { encoding, sizeBytes: value?.length ?? 0 };
  if (value == null) return summary;
  if (encoding === 'encrypted') {
    const encryption = parseEncryptionPrefix(value);
    if (encryption) summary.encryption = encryption;
  } else if (encoding === 'protobuf') {
    try {
      // Only the envelope's TypeMeta is read; the object bytes stay opaque.
      const { apiVersion, kind } = decodeEnvelope(value);
      summary.apiVersion = apiVersion;
      summary.kind = kind;
    } catch (error) {
      summary.error = error instanceof ValueDecodeError ? error.reason : 'malformed';
    }
  } else if (encoding === 'json') {
    try {
      const parsed: unknown = JSON.parse(
        Buffer.from(value.buffer, value.byteOffset, value.length).toString(),
      );
      const { apiVersion, kind } = (parsed ?? {}) as { apiVersion?: unknown; kind?: unknown };
      if (typeof apiVersion === 'string') summary.apiVersion = apiVersion;
      if (typeof kind === 'string') summary.kind = kind;
    } catch {
      summary.error = 'invalid-json';
    }
  }
  return summary;
}
