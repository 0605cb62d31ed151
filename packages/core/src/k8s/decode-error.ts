/**
 * Why a value could not be decoded; callers count failures by reason.
 * - `not-protobuf`: the value does not start with the `k8s\0` magic (JSON, encrypted, empty, other).
 * - `malformed`: truncated or garbage bytes, or a required field is missing.
 * - `wrong-kind`: a well-formed object of another kind than the decoder handles.
 * - `unsupported`: a well-formed envelope we do not read (e.g. a non-empty contentEncoding).
 * - `refused`: a kind we never decode on purpose (Secrets).
 * - `invalid-json`: a JSON value that does not parse or lacks the fields its kind requires.
 * - `too-large`: longer than VALUE_READ_LIMIT (kine/value-sql.ts); measured, never read.
 */
export type ValueDecodeReason =
  | 'not-protobuf'
  | 'malformed'
  | 'wrong-kind'
  | 'unsupported'
  | 'refused'
  | 'invalid-json'
  | 'too-large';

/** A value that cannot be decoded as asked. Never fatal: count it by `reason` and move on. */
export class ValueDecodeError extends Error {
  override name = 'ValueDecodeError';
  readonly reason: ValueDecodeReason;

  constructor(reason: ValueDecodeReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}
