// Kubernetes object-name rules (k8s.io/apimachinery/pkg/util/validation/validation.go and
// pkg/api/validation/path/name.go): the apiserver rejects an object whose name breaks them, so a
// stored name that breaks them was not written through the API, and no command is built from it.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** IsDNS1123Label: namespaces. */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

/** IsDNS1035Label: Services (ValidateServiceName). */
export function isDns1035Label(name: string): boolean {
  return name.length <= 63 && DNS1035_LABEL.test(name);
}

/** IsDNS1123Subdomain: Leases, ServiceAccounts, webhook configurations and most other objects. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && name.split('.').every((part) => DNS1123_LABEL.test(part));
}

/** IsValidPathSegmentName: RBAC objects and the apiserver's floor for any name (not `.`, `..`, no `/`, `%`). */
export function isPathSegmentName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/%]/.test(name);
}

/**
 * The name rule of a resource: RBAC objects take any path segment (ValidateRBACName), Services a
 * DNS-1035 label, Namespaces a DNS-1123 label, every other built-in a DNS-1123 subdomain (as do custom
 * resources, apiextensions-apiserver's default).
 */
export function isValidObjectName(group: string, resource: string, name: string): boolean {
  if (group === 'rbac.authorization.k8s.io') return isPathSegmentName(name);
  if (group === '' && resource === 'services') return isDns1035Label(name);
  if (group === '' && resource === 'namespaces') return isDns1123Label(name);
  return isDns1123Subdomain(name);
}
