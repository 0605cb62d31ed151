import { ValueDecodeError } from './decode-error.js';
import { decodeMessage, type MessageName } from './schema.js';
import { decodeEnvelope } from './value.js';

/** An object decoded from its envelope, with the type the envelope declared. */
export interface Decoded<T> {
  apiVersion: string;
  kind: string;
  object: T;
}

// The only content type the storage codec writes; "" means the same (runtime/generated.proto: Unknown).
const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** API group of an apiVersion: `rbac.authorization.k8s.io/v1` → `rbac.authorization.k8s.io`, `v1` → `` (core). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Unwrap the envelope, check that it holds one of `kinds` from API group `group`, and decode the object
 * as `message`. Any version of the group is accepted: older storage versions (v1beta1 Leases, RBAC,
 * webhooks) kept the v1 field numbers. Throws ValueDecodeError.
 */
export function decodeKind<T>(
  value: Uint8Array,
  group: string,
  kinds: readonly string[],
  message: MessageName,
): Decoded<T> {
  const envelope = decodeEnvelope(value);
  if (apiGroupOf(envelope.apiVersion) !== group || !kinds.includes(envelope.kind)) {
    throw new ValueDecodeError(
      'wrong-kind',
      `expected ${kinds.join('/')} in group "${group}", found ${envelope.kind} ${envelope.apiVersion}`,
    );
  }
  // Never written by the apiserver's storage codec; refuse rather than misread compressed bytes.
  if (envelope.contentEncoding !== undefined) {
    throw new ValueDecodeError(
      'unsupported',
      `contentEncoding "${envelope.contentEncoding}" is not supported`,
    );
  }
  if (envelope.contentType !== undefined && envelope.contentType !== PROTOBUF_CONTENT_TYPE) {
    throw new ValueDecodeError('unsupported', `contentType "${envelope.contentType}" is not supported`);
  }
  return {
    apiVersion: envelope.apiVersion,
    kind: envelope.kind,
    object: decodeMessage<T>(message, envelope.raw),
  };
}
