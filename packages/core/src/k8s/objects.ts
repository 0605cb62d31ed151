import { ValueDecodeError } from './decode-error.js';
import { apiGroupOf, decodeKind } from './decode-kind.js';
import { type ObjectMeta, type RawObjectMeta, type RawTime, toIsoTime, toObjectMeta } from './object-meta.js';
import { decodeEnvelope } from './value.js';

/** Any stored object reduced to its type and metadata. */
export interface ObjectSummary {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

/** A v1 Pod: metadata, where it runs and how far it got. */
export interface Pod extends ObjectSummary {
  kind: 'Pod';
  spec: { nodeName?: string; serviceAccountName?: string; hostNetwork?: boolean; schedulerName?: string };
  status: { phase?: string; reason?: string; hostIP?: string; podIP?: string; startTime?: string };
}

/** One port of a Service (targetPort, an int-or-string, is left out). */
export interface ServicePort {
  name?: string;
  protocol?: string;
  port?: number;
  nodePort?: number;
}

/** A v1 Service: metadata and how it is exposed. */
export interface Service extends ObjectSummary {
  kind: 'Service';
  spec: { type?: string; clusterIP?: string; ports: ServicePort[]; selector: Record<string, string> };
}

/** A v1 Namespace: metadata and phase (`Active` or `Terminating`). */
export interface Namespace extends ObjectSummary {
  kind: 'Namespace';
  status: { phase?: string };
}

interface RawPod {
  metadata?: RawObjectMeta;
  spec?: { nodeName?: string; serviceAccountName?: string; hostNetwork?: boolean; schedulerName?: string };
  status?: { phase?: string; reason?: string; hostIP?: string; podIP?: string; startTime?: RawTime };
}

interface RawService {
  metadata?: RawObjectMeta;
  spec?: { type?: string; clusterIP?: string; ports?: ServicePort[]; selector?: Record<string, string> };
}

interface RawNamespace {
  metadata?: RawObjectMeta;
  status?: { phase?: string };
}

// Kinds whose metadata we will not read either: a Secret's annotations may carry its data
// (kubectl.kubernetes.io/last-applied-configuration), so Secrets are only classified and sized.
const REFUSED = new Set(['Secret']);

// Copy only the fields that are set, so absent stays absent rather than becoming "" or 0.
function defined<T extends object>(raw: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (v !== undefined && v !== '') (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/**
 * Decode the type and metadata of any stored protobuf object (metadata is field 1 in every kind).
 * Throws ValueDecodeError, with reason `refused` for Secrets.
 */
export function decodeObjectMeta(value: Uint8Array): ObjectSummary {
  // Read the kind from the envelope before touching the object bytes.
  const { apiVersion, kind } = decodeEnvelope(value);
  if (apiGroupOf(apiVersion) === '' && REFUSED.has(kind)) {
    throw new ValueDecodeError('refused', `${kind} values are never decoded`);
  }
  const decoded = decodeKind<{ metadata?: RawObjectMeta }>(value, apiGroupOf(apiVersion), [kind], 'MetaOnly');
  return { apiVersion, kind, metadata: toObjectMeta(decoded.object.metadata) };
}

/** Decode a stored v1 Pod value; throws ValueDecodeError. */
export function decodePod(value: Uint8Array): Pod {
  const { apiVersion, object } = decodeKind<RawPod>(value, '', ['Pod'], 'Pod');
  const { startTime, ...status } = defined(object.status);
  const pod: Pod = {
    apiVersion,
    kind: 'Pod',
    metadata: toObjectMeta(object.metadata),
    spec: defined(object.spec),
    status,
  };
  const started = toIsoTime(startTime);
  if (started !== undefined) pod.status.startTime = started;
  return pod;
}

/** Decode a stored v1 Service value (`/registry/services/specs/<ns>/<name>`); throws ValueDecodeError. */
export function decodeService(value: Uint8Array): Service {
  const { apiVersion, object } = decodeKind<RawService>(value, '', ['Service'], 'Service');
  const spec = object.spec;
  const service: Service = {
    apiVersion,
    kind: 'Service',
    metadata: toObjectMeta(object.metadata),
    spec: { ports: (spec?.ports ?? []).map((p) => defined(p)), selector: { ...spec?.selector } },
  };
  if (spec?.type) service.spec.type = spec.type;
  if (spec?.clusterIP) service.spec.clusterIP = spec.clusterIP;
  return service;
}

/** Decode a stored v1 Namespace value; throws ValueDecodeError. */
export function decodeNamespace(value: Uint8Array): Namespace {
  const { apiVersion, object } = decodeKind<RawNamespace>(value, '', ['Namespace'], 'Namespace');
  return {
    apiVersion,
    kind: 'Namespace',
    metadata: toObjectMeta(object.metadata),
    status: defined(object.status),
  };
}
