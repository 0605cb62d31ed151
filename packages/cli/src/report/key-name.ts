// A table with a resource column need not repeat `/registry/<resource>/` in every key: what is left
// is the object's namespace/name, the part that identifies it, and it is never shortened.

/** The key without `/registry/` and its storage prefix; the whole key when it has another shape. */
export function keyName(key: string, prefix: string): string {
  const head = `/registry/${prefix}/`;
  return key.startsWith(head) && key.length > head.length ? key.slice(head.length) : key;
}
