// Names and keys in a report come from the snapshot, which may be damaged or crafted: a database
// name holding ESC or BEL would drive the operator's terminal, a newline would forge a report line,
// a right-to-left override (U+202E) would show `/registry/pods/evil` as something else, and a
// 10 MB key would make every layout step as slow as the key is long. Every string of the analysis
// is made safe before a human-readable renderer sees it; JSON keeps exact values, \u-escaped
// (render/json.ts), and the Analysis already keeps every string to STRING_LIMIT (core long-strings.ts).

// From report-values, not the core's index: that would load the whole analysis (SQLite, the
// checks) into the CLI's own process, beside its analysis child.
import { cutMiddle, STRING_LIMIT } from '@dqlite-analyzer/core/report-values';

// C0 controls except tab, DEL, and the C1 controls; LF is escaped too except in remediation text,
// which is multi-line on purpose (and holds no name that is not a valid Kubernetes name).
const isControl = (code: number, keepNewline: boolean): boolean =>
  (code < 0x20 && code !== 0x09 && !(keepNewline && code === 0x0a)) || (code >= 0x7f && code <= 0x9f);

// Characters that are invisible or reorder what follows them (Unicode TR#9 explicit formatting
// characters, line and paragraph separators, zero-width characters).
const isInvisible = (code: number): boolean =>
  (code >= 0x200b && code <= 0x200f) || // zero-width space/non-joiner/joiner, LRM, RLM
  (code >= 0x2028 && code <= 0x202e) || // line/paragraph separators, LRE RLE PDF LRO RLO
  (code >= 0x2060 && code <= 0x2064) || // word joiner, invisible operators
  (code >= 0x2066 && code <= 0x2069) || // LRI RLI FSI PDI
  code === 0x061c || // Arabic letter mark
  code === 0xfeff; // zero-width no-break space (BOM)

/** Remediation text is written by us; it embeds names, so it is bounded too, far above its size. */
const REMEDIATION_LIMIT = 64 * 1024;

function escapeText(text: string, keepNewline: boolean): string {
  const bounded = cutMiddle(text, keepNewline ? REMEDIATION_LIMIT : STRING_LIMIT);
  let out = '';
  for (const char of bounded) {
    const code = char.charCodeAt(0);
    if (isControl(code, keepNewline)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (isInvisible(code)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return out;
}

/**
 * A deep copy of `value` with every string made safe to show: control characters as `\xNN`,
 * invisible and bidi characters as `\uXXXX`, and strings over STRING_LIMIT (the core's, which the Analysis already keeps to) shortened in the middle.
 */
export function escapeControlCharacters<T>(value: T, key?: string): T {
  if (typeof value === 'string') return escapeText(value, key === 'remediation') as T;
  if (Array.isArray(value)) return value.map((item) => escapeControlCharacters(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value))
      out[escapeText(name, false)] = escapeControlCharacters(item, name);
    return out as T;
  }
  return value;
}
