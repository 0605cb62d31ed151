// Names and keys in a report come from the snapshot, which may be damaged or crafted: a database
// name holding ESC or BEL would drive the operator's terminal. Every string of the analysis is
// escaped before a human-readable renderer sees it; JSON keeps exact values, \u-escaped (render/json.ts).

// C0 controls except tab and newline (remediation text is multi-line), DEL, and the C1 controls.
const isControl = (code: number): boolean =>
  (code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f);

function escapeText(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += isControl(code) ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  }
  return out;
}

/** A deep copy of `value` with every control character in its strings written as `\xNN`. */
export function escapeControlCharacters<T>(value: T): T {
  if (typeof value === 'string') return escapeText(value) as T;
  if (Array.isArray(value)) return value.map((item) => escapeControlCharacters(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[escapeText(key)] = escapeControlCharacters(item);
    return out as T;
  }
  return value;
}
