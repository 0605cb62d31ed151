import { ValueDecodeError } from './decode-error.js';

/** metav1.Time / MicroTime as protobufjs hands it over (int64 already a number). */
export interface RawTime {
  seconds?: number;
  nanos?: number;
}

interface RawOwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** metav1.ObjectMeta as decoded by schema.ts (repeated fields and maps always present). */
export interface RawObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: RawTime;
  deletionTimestamp?: RawTime;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: RawOwnerReference[];
  finalizers?: string[];
}

/** metav1.LabelSelector as decoded by schema.ts. */
export interface RawLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
}

/** The object that owns this one (garbage-collection parent). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
}

/** The parts of metav1.ObjectMeta we read; times are ISO-8601 UTC strings. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  // The apiserver clears resourceVersion before writing (the kine row id is the version), so this is
  // normally absent in stored values.
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ownerReferences: OwnerReference[];
  finalizers: string[];
}

/** A label selector: all of matchLabels and all of matchExpressions must hold. */
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

// Date.toISOString keeps a four-digit year only for 0000-01-01 … 9999-12-31; anything outside is garbage.
const MIN_MS = Date.parse('0000-01-01T00:00:00Z');
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Format a metav1.Time/MicroTime as ISO-8601 UTC (`2024-05-01T10:00:00Z`, with `.123456` when it has
 * sub-second digits); undefined when the field is absent. Throws ValueDecodeError on impossible values.
 */
export function toIsoTime(time: RawTime | undefined): string | undefined {
  if (time === undefined) return undefined;
  const seconds = time.seconds ?? 0;
  const nanos = time.nanos ?? 0;
  const ms = seconds * 1000;
  if (!Number.isInteger(seconds) || ms < MIN_MS || ms > MAX_MS || nanos < 0 || nanos > 999_999_999) {
    throw new ValueDecodeError('malformed', `impossible timestamp: seconds=${seconds} nanos=${nanos}`);
  }
  const base = new Date(ms).toISOString().slice(0, 19);
  if (nanos === 0) return `${base}Z`;
  // Keep milli/micro/nano groups so MicroTime reads like its JSON form (RFC3339Micro).
  let fraction = String(nanos).padStart(9, '0');
  while (fraction.endsWith('000')) fraction = fraction.slice(0, -3);
  return `${base}.${fraction}Z`;
}

/** Convert a decoded ObjectMeta into our plain shape (empty strings become absent fields). */
export function toObjectMeta(raw: RawObjectMeta | undefined): ObjectMeta {
  const meta: ObjectMeta = {
    name: raw?.name ?? '',
    labels: { ...raw?.labels },
    annotations: { ...raw?.annotations },
    ownerReferences: (raw?.ownerReferences ?? []).map((o) => ({
      apiVersion: o.apiVersion ?? '',
      kind: o.kind ?? '',
      name: o.name ?? '',
      uid: o.uid ?? '',
      controller: o.controller ?? false,
    })),
    finalizers: [...(raw?.finalizers ?? [])],
  };
  if (raw?.namespace) meta.namespace = raw.namespace;
  if (raw?.generateName) meta.generateName = raw.generateName;
  if (raw?.uid) meta.uid = raw.uid;
  if (raw?.resourceVersion) meta.resourceVersion = raw.resourceVersion;
  if (raw?.generation !== undefined) meta.generation = raw.generation;
  const created = toIsoTime(raw?.creationTimestamp);
  if (created !== undefined) meta.creationTimestamp = created;
  const deleted = toIsoTime(raw?.deletionTimestamp);
  if (deleted !== undefined) meta.deletionTimestamp = deleted;
  if (raw?.deletionGracePeriodSeconds !== undefined) {
    meta.deletionGracePeriodSeconds = raw.deletionGracePeriodSeconds;
  }
  return meta;
}

/** Convert a decoded LabelSelector; undefined stays undefined (no selector ≠ empty selector). */
export function toLabelSelector(raw: RawLabelSelector | undefined): LabelSelector | undefined {
  if (raw === undefined) return undefined;
  return {
    matchLabels: { ...raw.matchLabels },
    matchExpressions: (raw.matchExpressions ?? []).map((e) => ({
      key: e.key ?? '',
      operator: e.operator ?? '',
      values: [...(e.values ?? [])],
    })),
  };
}
