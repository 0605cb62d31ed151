// The file name --keep-copies DIR gives a database's copy. A database name is untrusted input: only
// a plain file name goes into the path (the verify lines name the same file, docs/security.md).

/** `<name><suffix>.db`, the name reduced to [A-Za-z0-9._-]; `db<index>` for a name with none of those. */
export function keptCopyFileName(name: string, index: number, suffix = ''): string {
  return `${name.replace(/[^A-Za-z0-9._-]/g, '_') || `db${index}`}${suffix}.db`;
}
