import { prefixOfKey, resourceOfPrefix } from './key-prefix.js';
import {
  addUsage,
  emptyUsage,
  type KeyGroupUsage,
  type NamespaceUsage,
  type PrefixUsage,
  sortUsage,
} from './prefixes.js';

/** The figures of the keys of one directory (or of one key, see KeyGroups.of). */
export interface KeyGroup {
  prefix: string;
  namespace: string | null;
  usage: KeyGroupUsage;
}

/**
 * Which group each kine key's rows add to. Keys are grouped by directory (the key up to its last
 * `/`), so the storage prefix and namespace are worked out once per directory, not once per row.
 */
export class KeyGroups {
  /** In the order they were first met, which decides the order of equal-sized entries. */
  private readonly groups: KeyGroup[] = [];
  /** null: the directory's keys are looked up one by one (byName). */
  private readonly byDir = new Map<string, KeyGroup | null>();
  /** Groups of such keys, by prefix and namespace: at most one per group, however many keys. */
  private readonly byName = new Map<string, KeyGroup>();
  // Consecutive rows often share a directory: one string comparison instead of a hash lookup.
  private lastDir = '';
  private lastGroup: KeyGroup | null = null;

  constructor(private readonly byNamespace: boolean) {}

  /** The group of `key`, or null for kine's own rows (compact_rev_key, gap-*). */
  of(key: string): KeyGroup | null {
    const end = key.lastIndexOf('/') + 1;
    if (end > 0 && end === this.lastDir.length && key.startsWith(this.lastDir)) return this.lastGroup;
    const dir = key.slice(0, end);
    let group = this.byDir.get(dir);
    if (group === undefined) {
      group = keyByKey(dir) ? null : this.add(this.placeOf(key));
      this.byDir.set(dir, group);
    }
    if (group === null) return this.ofKey(key);
    this.lastDir = dir;
    this.lastGroup = group;
    return group;
  }

  /** Figures per storage prefix (and namespace, with byNamespace), largest first. */
  toPrefixes(): PrefixUsage[] {
    const byPrefix = new Map<string, PrefixUsage>();
    const byNamespace = new Map<string, NamespaceUsage>();
    for (const { prefix, namespace, usage } of this.groups) {
      let total = byPrefix.get(prefix);
      if (!total) {
        total = { prefix, ...resourceOfPrefix(prefix), ...emptyUsage() };
        if (this.byNamespace) total.namespaces = [];
        byPrefix.set(prefix, total);
      }
      addUsage(total, usage);
      if (!total.namespaces || namespace === null) continue;
      const id = `${prefix}\u0000${namespace}`;
      let inNamespace = byNamespace.get(id);
      if (!inNamespace) {
        inNamespace = { namespace, ...emptyUsage() };
        total.namespaces.push(inNamespace);
        byNamespace.set(id, inNamespace);
      }
      addUsage(inNamespace, usage);
    }
    return sortUsage([...byPrefix.values()]);
  }

  /** The figures of every group added up. */
  total(): KeyGroupUsage {
    const sum = emptyUsage();
    for (const group of this.groups) addUsage(sum, group.usage);
    return sum;
  }

  private ofKey(key: string): KeyGroup | null {
    if (isKineKey(key)) return null;
    const place = this.placeOf(key);
    const name = place.namespace === null ? place.prefix : `${place.prefix}\u0000${place.namespace}`;
    let group = this.byName.get(name);
    if (!group) {
      group = this.add(place);
      this.byName.set(name, group);
    }
    return group;
  }

  private placeOf(key: string): { prefix: string; namespace: string | null } {
    const prefix = prefixOfKey(key);
    return { prefix, namespace: this.byNamespace ? namespaceOfKey(key, prefix) : null };
  }

  private add(place: { prefix: string; namespace: string | null }): KeyGroup {
    const group = { ...place, usage: emptyUsage() };
    this.groups.push(group);
    return group;
  }
}

/** kine's bookkeeping rows, excluded from every per-key figure. */
export const isKineKey = (key: string) => key === 'compact_rev_key' || key.startsWith('gap-');

// Directories whose keys cannot share one group: where kine's own keys may be (no directory, or
// `gap-…/`), and where prefixOfKey reads the last segment because it is part of the prefix
// (`/registry/<resource>`, `/registry/<group>/<resource>`; probing with two leaves finds those).
// namespaceOfKey never reads the last segment.
const keyByKey = (dir: string) =>
  dir === '' || dir.startsWith('gap-') || prefixOfKey(`${dir}a`) !== prefixOfKey(`${dir}b`);

/** The namespace of a namespaced key (`/registry/<prefix>/<namespace>/<name>`), else null. */
export function namespaceOfKey(key: string, prefix: string): string | null {
  if (!key.startsWith('/registry/')) return null;
  const rest = key.slice('/registry/'.length + prefix.length + 1);
  const slash = rest.indexOf('/');
  return slash > 0 ? rest.slice(0, slash) : null;
}
