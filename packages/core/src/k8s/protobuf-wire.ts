// The protobuf wire format, read into plain objects by a field table (k8s/schema.ts). Written here
// instead of taken from protobufjs: its reflection builds and compiles a decoder per message type at
// run time, ~20 ms of every analysis that decodes an object, and with `long` it was a third of the
// analysis child's code (bench/RESULTS.md, issue 17 fourth pass). The encoding: varints, 64-bit,
// length-delimited, groups (start 3, end 4), 32-bit (protobuf.dev/programming-guides/encoding).
// The tests decode values that protobufjs encodes from the upstream .proto files
// (packages/core/test/k8s/upstream.ts).

/** One field of a message: its wire number, type, and whether it repeats or is a map<string, string>. */
export interface WireField {
  name: string;
  type: 'string' | 'bytes' | 'int32' | 'int64' | 'bool' | 'message';
  /** For type 'message': the message's fields, by number. */
  message?: WireMessage;
  repeated: boolean;
  map: boolean;
}

/** A message's fields by wire number, and the names of its repeated and map fields (always present). */
export interface WireMessage {
  byNumber: Map<number, WireField>;
  repeated: string[];
  maps: string[];
}

/** Bytes that are not a valid encoding of the message (truncated, a bad wire type or tag). */
export class WireError extends Error {
  override name = 'WireError';
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const FIXED32 = 5;

// The wire type each field type is written with.
const WIRE_TYPE: Record<WireField['type'], number> = {
  string: LENGTH_DELIMITED,
  bytes: LENGTH_DELIMITED,
  message: LENGTH_DELIMITED,
  int32: VARINT,
  int64: VARINT,
  bool: VARINT,
};

/**
 * Decode `bytes[start, end)` as `message`: a plain object with the fields present on the wire (the
 * last one wins, as protobufjs does, for a field that is not repeated), every repeated field as an
 * array and every map as an object, empty when absent; int64 as a number, bytes as a view of the
 * input. Unknown fields are skipped. Nesting is bounded by the table (no message contains itself),
 * and unknown groups are skipped without recursion: the cost follows the input's size. Throws
 * WireError.
 */
export function decodeWire(message: WireMessage, bytes: Uint8Array): Record<string, unknown> {
  const reader = new Reader(bytes);
  return readMessage(reader, message, bytes.length);
}

function readMessage(r: Reader, message: WireMessage, end: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of message.repeated) out[name] = [];
  for (const name of message.maps) out[name] = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const number = tag >>> 3;
    const wireType = tag & 7;
    if (number === 0) throw new WireError(`illegal tag 0 at offset ${r.pos}`);
    const field = message.byNumber.get(number);
    if (field === undefined) {
      r.skip(wireType, number);
      continue;
    }
    if (wireType !== WIRE_TYPE[field.type]) {
      throw new WireError(`wrong wire type ${wireType} for field ${number} at offset ${r.pos}`);
    }
    if (field.map) {
      const [key, value] = readMapEntry(r);
      // As protobufjs leaves it (an assignment to a plain object's __proto__ adds no key).
      if (key !== '__proto__') (out[field.name] as Record<string, string>)[key] = value;
      continue;
    }
    const value = readValue(r, field);
    if (field.repeated) (out[field.name] as unknown[]).push(value);
    else out[field.name] = value;
  }
  if (r.pos !== end) throw new WireError(`message runs past its end at offset ${r.pos}`);
  return out;
}

function readValue(r: Reader, field: WireField): unknown {
  switch (field.type) {
    case 'string':
      return r.string();
    case 'bytes':
      return r.bytes();
    case 'int32':
      return r.uint32() | 0;
    case 'int64':
      return r.int64();
    case 'bool':
      return r.varintNonZero();
    case 'message': {
      const length = r.uint32();
      const end = r.limit(length);
      return readMessage(r, field.message!, end);
    }
  }
}

// map<string, string> entries are messages {key = 1; value = 2}; either may be absent ("").
function readMapEntry(r: Reader): [string, string] {
  const end = r.limit(r.uint32());
  let key = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.uint32();
    const number = tag >>> 3;
    const wireType = tag & 7;
    if ((number === 1 || number === 2) && wireType === LENGTH_DELIMITED) {
      if (number === 1) key = r.string();
      else value = r.string();
    } else {
      if (number === 0) throw new WireError(`illegal tag 0 at offset ${r.pos}`);
      r.skip(wireType, number);
    }
  }
  if (r.pos !== end) throw new WireError(`map entry runs past its end at offset ${r.pos}`);
  return [key, value];
}

class Reader {
  pos = 0;
  private readonly buffer: Buffer;

  constructor(private readonly input: Uint8Array) {
    // Strings are read by Buffer's UTF-8 decoder (invalid sequences become U+FFFD), as protobufjs
    // does for a Buffer: a view, no copy.
    this.buffer = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  }

  /** The end of `length` bytes from here, checked against the input's end. */
  limit(length: number): number {
    const end = this.pos + length;
    if (end > this.input.length) {
      throw new WireError(`length ${length} at offset ${this.pos} runs past the end (${this.input.length})`);
    }
    return end;
  }

  /** A varint's low 32 bits, unsigned (longer varints are read to their end, the rest dropped). */
  uint32(): number {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      const byte = this.byte();
      if (shift < 32) value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value >>> 0;
    }
    throw new WireError(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  /** A varint as a signed 64-bit integer, as a number (as protobufjs' Long.toNumber()). */
  int64(): number {
    let low = 0;
    let high = 0;
    for (let i = 0; i < 10; i++) {
      const byte = this.byte();
      const bits = byte & 0x7f;
      if (i < 4) low |= bits << (7 * i);
      else if (i === 4) {
        low |= (bits & 0x0f) << 28;
        high |= bits >>> 4;
      } else high |= bits << (7 * i - 32);
      if (byte < 0x80) return (high | 0) * 4294967296 + (low >>> 0);
    }
    throw new WireError(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  /** A varint as a bool: any non-zero bit. */
  varintNonZero(): boolean {
    let nonZero = false;
    for (let i = 0; i < 10; i++) {
      const byte = this.byte();
      if ((byte & 0x7f) !== 0) nonZero = true;
      if (byte < 0x80) return nonZero;
    }
    throw new WireError(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  string(): string {
    const end = this.limit(this.uint32());
    const text = this.buffer.toString('utf8', this.pos, end);
    this.pos = end;
    return text;
  }

  bytes(): Uint8Array {
    const end = this.limit(this.uint32());
    const view = this.input.subarray(this.pos, end);
    this.pos = end;
    return view;
  }

  /** Skip one field's value; a group to its matching end, by a count of open groups, not recursion. */
  skip(wireType: number, number: number): void {
    let open = 0;
    for (;;) {
      switch (wireType) {
        case VARINT:
          this.uint32();
          break;
        case FIXED64:
          this.pos = this.limit(8);
          break;
        case LENGTH_DELIMITED:
          this.pos = this.limit(this.uint32());
          break;
        case START_GROUP:
          open += 1;
          break;
        case END_GROUP:
          if (open === 0) throw new WireError(`end of group ${number} without a start at offset ${this.pos}`);
          open -= 1;
          break;
        case FIXED32:
          this.pos = this.limit(4);
          break;
        default:
          throw new WireError(`invalid wire type ${wireType} at offset ${this.pos}`);
      }
      if (open === 0) return;
      const tag = this.uint32();
      wireType = tag & 7;
      number = tag >>> 3;
    }
  }

  private byte(): number {
    if (this.pos >= this.input.length) throw new WireError(`truncated at offset ${this.pos}`);
    return this.input[this.pos++]!;
  }
}
