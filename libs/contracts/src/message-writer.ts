/**
 * Protobuf written by hand where the generated (reflective) encoder is too slow for a hot path: the
 * `case.filed` envelope every filing encodes (`encodeFiled` in envelope.codec.ts; @bufbuild/protobuf's
 * `toBinary` was 12 % of a community's CPU under bulk filing) and the relay's `EventBatch`
 * (batch.codec.ts). Fields go in the order they are written — the callers write them in field order,
 * proto3 defaults left out, exactly as the generated encoder does; `message-writer.spec.ts` checks the
 * bytes against it. Decoding stays with the generated code.
 */

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** One field of a message about to be written. */
type Part =
  | { tag: number; kind: 'varint'; value: number }
  | { tag: number; kind: 'varint64'; value: bigint }
  | { tag: number; kind: 'bytes'; value: Uint8Array }
  | { tag: number; kind: 'string'; value: string; length: number };

/** Collects the fields of one message, leaving out proto3 defaults, then writes them in one buffer. */
export class MessageWriter {
  private readonly parts: Part[] = [];
  private size = 0;

  string(field: number, value: string): this {
    if (value === '') return this;
    const length = Buffer.byteLength(value);
    this.parts.push({ tag: tag(field, LENGTH_DELIMITED), kind: 'string', value, length });
    this.size += 1 + varintLength(length) + length;
    return this;
  }

  /**
   * uint32 or enum. Stricter than the generated encoder, which writes an undefined enum (a channel or
   * tier with no wire value) as 0: here it is an error, as is anything else that is no uint32.
   */
  uint32(field: number, value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new RangeError(`field ${field}: ${value} is not a uint32`);
    }
    if (value === 0) return this;
    this.parts.push({ tag: tag(field, VARINT), kind: 'varint', value });
    this.size += 1 + varintLength(value);
    return this;
  }

  /** int64 (a negative value takes ten bytes, two's complement). */
  int64(field: number, value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`field ${field}: ${value} is not an int64 here`);
    if (value === 0) return this;
    if (value > 0) {
      this.parts.push({ tag: tag(field, VARINT), kind: 'varint', value });
      this.size += 1 + varintLength(value);
    } else {
      this.parts.push({
        tag: tag(field, VARINT),
        kind: 'varint64',
        value: BigInt.asUintN(64, BigInt(value)),
      });
      this.size += 1 + 10;
    }
    return this;
  }

  /** `bytes` field (written unless empty) or an embedded message (always written, even empty). */
  bytes(field: number, value: Uint8Array, always = false): this {
    if (value.length === 0 && !always) return this;
    this.parts.push({ tag: tag(field, LENGTH_DELIMITED), kind: 'bytes', value });
    this.size += 1 + varintLength(value.length) + value.length;
    return this;
  }

  message(field: number, value: MessageWriter): this {
    return this.bytes(field, value.finish(), true);
  }

  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    let at = 0;
    for (const p of this.parts) {
      out[at++] = p.tag;
      if (p.kind === 'varint') {
        at = writeVarint(out, at, p.value);
      } else if (p.kind === 'varint64') {
        let n = p.value;
        while (n >= 0x80n) {
          out[at++] = Number(n & 0x7fn) | 0x80;
          n >>= 7n;
        }
        out[at++] = Number(n);
      } else if (p.kind === 'string') {
        at = writeVarint(out, at, p.length);
        at += out.write(p.value, at, 'utf8');
      } else {
        at = writeVarint(out, at, p.value.length);
        out.set(p.value, at);
        at += p.value.length;
      }
    }
    return out;
  }
}

/** The key of a field: one byte, since every field written here has a number below 16. */
function tag(field: number, wireType: number): number {
  if (field < 1 || field > 15) throw new RangeError(`field ${field}: only fields 1-15 are supported`);
  return (field << 3) | wireType;
}

/** Bytes of `n` (a non-negative integer below 2^53) as a varint. */
export function varintLength(n: number): number {
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    length++;
  }
  return length;
}

/** Writes `n` as a varint at `at`; returns where the next byte goes. */
export function writeVarint(out: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  out[at++] = n;
  return at;
}

/** google.protobuf.Timestamp of a date, as `timestampFromDate` makes it. */
export function timestampMessage(date: Date): MessageWriter {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return new MessageWriter().int64(1, seconds).uint32(2, (ms - seconds * 1000) * 1_000_000);
}
