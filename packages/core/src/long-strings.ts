// Strings from the snapshot are kept whole up to a length no real one reaches, cut in the middle
// beyond it. Kubernetes keys are short: an object name is at most 253 characters (a DNS-1123
// subdomain), a namespace 63 (a DNS-1123 label), a resource a group and a plural of the same kind
// (kubernetes/apimachinery:pkg/util/validation/validation.go, DNS1123SubdomainMaxLength and
// DNS1123LabelMaxLength), so `/registry/<group>/<plural>/<namespace>/<name>` stays under 1,024. A
// longer kine key is damage or a crafted row; kept whole, a 10 MB one was copied from the analysis
// child to the CLI, into the JSON text and the report: 25-46 MiB over the CLI's usual peak (issue #12 §3).

/** The longest string the Analysis keeps whole (and the reports show whole). */
export const STRING_LIMIT = 1024;

/**
 * Shorten to `limit` characters by cutting the middle, saying how long the original was: the start
 * and the end of a key (resource, namespace, name) say most about it. A string of `limit`
 * characters or fewer is returned as it is, so cutting twice changes nothing.
 */
export function cutMiddle(text: string, limit = STRING_LIMIT): string {
  if (text.length <= limit) return text;
  return cutEnds(text.slice(0, limit), text.slice(-limit), text.length, limit);
}

/**
 * What cutMiddle makes of a string longer than `limit` that is known only by its first and last
 * `limit` characters and its length (kine/long-names.ts reads such a string in chunks).
 */
export function cutEnds(start: string, end: string, length: number, limit = STRING_LIMIT): string {
  const note = ` …[${length} characters]… `;
  const keep = Math.max(limit - note.length, 2);
  const head = Math.ceil(keep / 2);
  const cut = `${start.slice(0, head)}${note}${end.slice(end.length - (keep - head))}`;
  // A copy: V8's slices point into the whole string and would keep all of it alive.
  return Buffer.from(cut, 'utf16le').toString('utf16le');
}

/** Whether `text` is what cutMiddle made of a longer string. */
export const isCut = (text: string): boolean => / …\[\d+ characters\]… /.test(text);

/** A finding's title and evidence lines are ours around a name or two: whole with a cut key in them. */
export const FINDING_LINE_LIMIT = 4 * STRING_LIMIT;
/** Lines of remediation text are ours around the names they embed; longer ones are cut like names. */
export const REMEDIATION_LINE_LIMIT = 64 * 1024;

/**
 * Cut every string under `value` longer than STRING_LIMIT, in place (objects and arrays,
 * recursively); a finding's `title` and `evidence` lines at FINDING_LINE_LIMIT, its `remediation`
 * line by line at REMEDIATION_LINE_LIMIT, so that its commands stay whole. Returns how many strings
 * were cut.
 */
export function cutLongStrings(value: object): number {
  let cut = 0;
  const bound = (text: string, field: string): string => {
    if (field === 'remediation') {
      if (text.length <= REMEDIATION_LINE_LIMIT) return text;
      const lines = text.split('\n');
      if (lines.every((line) => line.length <= REMEDIATION_LINE_LIMIT)) return text;
      cut++;
      return lines.map((line) => cutMiddle(line, REMEDIATION_LINE_LIMIT)).join('\n');
    }
    const limit = field === 'title' || field === 'evidence' ? FINDING_LINE_LIMIT : STRING_LIMIT;
    if (text.length <= limit) return text;
    cut++;
    return cutMiddle(text, limit);
  };
  // `field`: the property holding `node`, or holding the array `node` is an item of.
  const walk = (node: Record<string, unknown> | unknown[], field: string): void => {
    for (const [name, child] of Object.entries(node)) {
      const of = Array.isArray(node) ? field : name;
      if (typeof child === 'string') {
        const bounded = bound(child, of);
        if (bounded !== child) (node as Record<string, unknown>)[name] = bounded;
      } else if (child !== null && typeof child === 'object') walk(child as Record<string, unknown>, of);
    }
  };
  walk(value as Record<string, unknown>, '');
  return cut;
}
