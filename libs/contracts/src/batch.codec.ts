import { fromBinary } from '@bufbuild/protobuf';
import { EventBatchSchema } from './gen/fed/v1/envelope_pb';
import { varintLength, writeVarint } from './message-writer';
import { ContractError } from './wire';

/** Field 1 (`envelopes`), wire type 2 (length-delimited): the tag byte before every envelope. */
const ENVELOPES_TAG = 0x0a;

/** Bytes a batch spends on an envelope of this length besides the envelope itself (tag and length). */
export function batchOverhead(envelopeLength: number): number {
  return 1 + varintLength(envelopeLength);
}

/**
 * Encodes envelopes (already encoded, kept byte for byte) as one `EventBatch` message, in order.
 * Written by hand: it is the relay's hot path, and the layout (`repeated bytes envelopes = 1`) is
 * fixed; `batch.codec.spec.ts` checks it against the generated encoder.
 */
export function encodeBatch(envelopes: readonly Uint8Array[]): Buffer {
  let size = 0;
  for (const e of envelopes) size += batchOverhead(e.length) + e.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const e of envelopes) {
    out[at++] = ENVELOPES_TAG;
    at = writeVarint(out, at, e.length);
    out.set(e, at);
    at += e.length;
  }
  return out;
}

/**
 * The envelopes of an `EventBatch` message, in order, as views of `bytes` (no copy).
 * @throws ContractError when the message does not decode or holds no envelope
 */
export function decodeBatch(bytes: Uint8Array): Buffer[] {
  let batch;
  try {
    batch = fromBinary(EventBatchSchema, bytes);
  } catch (e) {
    throw new ContractError(`batch does not decode: ${(e as Error).message}`);
  }
  if (batch.envelopes.length === 0) throw new ContractError('batch holds no envelope');
  return batch.envelopes.map((e) => Buffer.from(e.buffer, e.byteOffset, e.byteLength));
}
