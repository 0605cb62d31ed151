import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ValueDecodeError } from '../../src/k8s/decode-error.js';
import { classifyValue, decodeEnvelope, parseEncryptionPrefix, summarizeValue } from '../../src/k8s/value.js';
import { encodeUpstream, storedValue, wrapUnknown } from './upstream.js';

const LEASE = storedValue('k8s.io.api.coordination.v1.Lease', 'coordination.k8s.io/v1', 'Lease', {
  metadata: { name: 'kube-scheduler', namespace: 'kube-system' },
  spec: { holderIdentity: 'node-1_6f1c2b9e-8a4d-4c3b-9f0e-2d7a1b5c8e90', leaseTransitions: 4499 },
});

// A Secret, hand-assembled from core/v1 generated.proto: Secret { metadata = 1; data = 2 (map<string,bytes>);
// type = 3 }, map entries { key = 1; value = 2 }. Only classification and size may be read from it.
function secretValue(): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork(); // metadata
  w.uint32((1 << 3) | 2).string('db-password'); // ObjectMeta.name = 1
  w.uint32((3 << 3) | 2).string('default'); // ObjectMeta.namespace = 3
  w.ldelim();
  w.uint32((2 << 3) | 2).fork(); // data entry
  w.uint32((1 << 3) | 2).string('password');
  w.uint32((2 << 3) | 2).bytes(Buffer.from('hunter2'));
  w.ldelim();
  w.uint32((3 << 3) | 2).string('Opaque');
  return wrapUnknown('v1', 'Secret', w.finish());
}

describe('classifyValue', () => {
  it('classifies protobuf, JSON, encrypted, empty and unknown values', () => {
    expect(classifyValue(LEASE)).toBe('protobuf');
    expect(classifyValue(Buffer.from('{"apiVersion":"crd.projectcalico.org/v1","kind":"IPAMBlock"}\n'))).toBe(
      'json',
    );
    expect(classifyValue(Buffer.from('\n  {"kind":"X"}'))).toBe('json');
    const encrypted = Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), randomBytes(96)]);
    expect(classifyValue(encrypted)).toBe('encrypted');
    expect(classifyValue(null)).toBe('empty');
    expect(classifyValue(new Uint8Array(0))).toBe('empty');
    expect(classifyValue(Buffer.from('k8s'))).toBe('unknown');
    expect(classifyValue(Buffer.from('hello'))).toBe('unknown');
  });
});

describe('parseEncryptionPrefix', () => {
  it('reads provider, version and key name and ignores the ciphertext', () => {
    const value = Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), randomBytes(64)]);
    expect(parseEncryptionPrefix(value)).toEqual({ provider: 'aescbc', version: 'v1', keyName: 'key1' });
    const kms = Buffer.concat([Buffer.from('k8s:enc:kms:v2:vault-kms:'), Buffer.from([0x0a, 0x3a, 0x00])]);
    expect(parseEncryptionPrefix(kms)).toEqual({ provider: 'kms', version: 'v2', keyName: 'vault-kms' });
  });

  it('returns null for plaintext and for a prefix without its key', () => {
    expect(parseEncryptionPrefix(LEASE)).toBeNull();
    expect(parseEncryptionPrefix(Buffer.from('k8s:enc:aescbc'))).toBeNull();
  });
});

describe('decodeEnvelope', () => {
  it('reads runtime.Unknown as the upstream schema encodes it (apiVersion = 1, kind = 2)', () => {
    // Same leading bytes as the real microk8s Lease in docs/formats.md §3.4:
    // "k8s\0", typeMeta (0x0a, 31 bytes), apiVersion (0x0a, 22 bytes).
    expect([...LEASE.subarray(0, 8)]).toEqual([107, 56, 115, 0, 10, 31, 10, 22]);
    const envelope = decodeEnvelope(LEASE);
    expect(envelope.apiVersion).toBe('coordination.k8s.io/v1');
    expect(envelope.kind).toBe('Lease');
    expect(envelope.contentEncoding).toBeUndefined();
    expect(envelope.raw).toEqual(
      encodeUpstream('k8s.io.api.coordination.v1.Lease', {
        metadata: { name: 'kube-scheduler', namespace: 'kube-system' },
        spec: { holderIdentity: 'node-1_6f1c2b9e-8a4d-4c3b-9f0e-2d7a1b5c8e90', leaseTransitions: 4499 },
      }),
    );
  });

  it('keeps contentEncoding and contentType when present', () => {
    const value = wrapUnknown('v1', 'ConfigMap', Uint8Array.of(0x0a, 0x00), {
      contentEncoding: 'gzip',
      contentType: 'application/vnd.kubernetes.protobuf',
    });
    expect(decodeEnvelope(value)).toMatchObject({
      contentEncoding: 'gzip',
      contentType: 'application/vnd.kubernetes.protobuf',
    });
  });

  it('rejects values that are not protobuf with reason not-protobuf', () => {
    const encrypted = Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), randomBytes(48)]);
    for (const value of [encrypted, Buffer.from('{"kind":"Pod"}'), new Uint8Array(0)]) {
      expect(() => decodeEnvelope(value)).toThrow(ValueDecodeError);
      expect(() => decodeEnvelope(value)).toThrow(expect.objectContaining({ reason: 'not-protobuf' }));
    }
  });

  it('rejects every truncation of a real value with reason malformed', () => {
    for (let end = 4; end < LEASE.length; end++) {
      expect(() => decodeEnvelope(LEASE.subarray(0, end)), `cut at ${end}`).toThrow(
        expect.objectContaining({ name: 'ValueDecodeError', reason: 'malformed' }),
      );
    }
  });

  it('never throws anything but ValueDecodeError on random bytes after the magic', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const value = Buffer.concat([Buffer.from('k8s\0', 'latin1'), tail]);
        try {
          decodeEnvelope(value);
        } catch (error) {
          expect(error).toBeInstanceOf(ValueDecodeError);
        }
      }),
    );
  });
});

describe('summarizeValue', () => {
  it('reads type and size of a Secret without decoding it', () => {
    const secret = secretValue();
    expect(summarizeValue(secret)).toEqual({
      encoding: 'protobuf',
      sizeBytes: secret.length,
      apiVersion: 'v1',
      kind: 'Secret',
    });
  });

  it('summarises encrypted, JSON, empty and damaged values', () => {
    const encrypted = Buffer.concat([Buffer.from('k8s:enc:secretbox:v1:key2:'), randomBytes(40)]);
    expect(summarizeValue(encrypted)).toEqual({
      encoding: 'encrypted',
      sizeBytes: encrypted.length,
      encryption: { provider: 'secretbox', version: 'v1', keyName: 'key2' },
    });
    const json = Buffer.from('{"apiVersion":"crd.projectcalico.org/v1","kind":"IPAMHandle","spec":{}}\n');
    expect(summarizeValue(json)).toEqual({
      encoding: 'json',
      sizeBytes: json.length,
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'IPAMHandle',
    });
    expect(summarizeValue(null)).toEqual({ encoding: 'empty', sizeBytes: 0 });
    expect(summarizeValue(Buffer.from('{"kind":'))).toMatchObject({
      encoding: 'json',
      error: 'invalid-json',
    });
    expect(summarizeValue(LEASE.subarray(0, 20))).toMatchObject({ encoding: 'protobuf', error: 'malformed' });
  });
});
