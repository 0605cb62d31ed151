import { decodeKind } from './decode-kind.js';
import { type ObjectMeta, type RawObjectMeta, toObjectMeta } from './object-meta.js';

// apps/v1 Deployment, reduced to what tells which release of a controller runs and how it is configured.

/** One container of the pod template: its image and its literal environment variables. */
export interface DeploymentContainer {
  name: string;
  image: string;
  /** Variables with a literal `value`; those set `valueFrom` a ConfigMap or Secret are left out. */
  env: Record<string, string>;
}

/** A Deployment as stored. */
export interface Deployment {
  apiVersion: string;
  kind: 'Deployment';
  metadata: ObjectMeta;
  replicas?: number;
  serviceAccountName?: string;
  containers: DeploymentContainer[];
}

interface RawDeployment {
  metadata?: RawObjectMeta;
  spec?: {
    replicas?: number;
    template?: {
      spec?: {
        serviceAccountName?: string;
        containers?: { name?: string; image?: string; env?: { name?: string; value?: string }[] }[];
      };
    };
  };
}

/** Decode a stored Deployment value (apps/v1 and the older apps/extensions versions share the numbers); throws ValueDecodeError. */
export function decodeDeployment(value: Uint8Array): Deployment {
  const decoded = decodeKind<RawDeployment>(value, 'apps', ['Deployment'], 'Deployment');
  const raw = decoded.object;
  const podSpec = raw.spec?.template?.spec;
  const deployment: Deployment = {
    apiVersion: decoded.apiVersion,
    kind: 'Deployment',
    metadata: toObjectMeta(raw.metadata),
    containers: (podSpec?.containers ?? []).map((c) => ({
      name: c.name ?? '',
      image: c.image ?? '',
      env: Object.fromEntries(
        (c.env ?? []).filter((e) => e.name && e.value !== undefined).map((e) => [e.name!, e.value!]),
      ),
    })),
  };
  if (raw.spec?.replicas !== undefined) deployment.replicas = raw.spec.replicas;
  if (podSpec?.serviceAccountName) deployment.serviceAccountName = podSpec.serviceAccountName;
  return deployment;
}

/** The tag of an image reference (`docker.io/calico/kube-controllers:v3.13.2` → `v3.13.2`); null for a digest-only or untagged one. */
export function imageTag(image: string): string | null {
  const name = image.split('@')[0]!;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  // A colon before the last slash is a registry port (`registry:5000/calico/kube-controllers`).
  return colon > lastSlash ? name.slice(colon + 1) || null : null;
}
