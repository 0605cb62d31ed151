// JSON.stringify escapes U+0000-U+001F but leaves the C1 controls (U+0080-U+009F) raw, and a
// terminal acts on them (U+009B is CSI): a name from the snapshot must not reach an operator's
// terminal as an escape sequence, from the CLI's --format json or the agent's /api alike. They
// only occur inside strings, so \u-escaping them keeps the document valid JSON with the same values.
const C1_CONTROLS = /[\u0080-\u009f]/g;
const escapeC1 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `value` as JSON text (indented by `indent` spaces when given) with every control character escaped. */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(C1_CONTROLS, escapeC1);
}
