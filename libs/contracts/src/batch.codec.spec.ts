import { create, toBinary } from '@bufbuild/protobuf';
import { batchOverhead, decodeBatch, encodeBatch } from './batch.codec';
import { EventBatchSchema } from './gen/fed/v1/envelope_pb';
import { ContractError } from './wire';

function bytes(length: number, fill: number): Buffer {
  return Buffer.alloc(length, fill);
}

describe('event batch codec', () => {
  // Lengths around the varint boundaries of the length prefix (1, 2 and 3 bytes).
  const envelopes = [1, 127, 128, 300, 16383, 16384, 70000].map((n, i) => bytes(n, i + 1));

  it('encodes exactly as the generated encoder does', () => {
    const generated = toBinary(EventBatchSchema, create(EventBatchSchema, { envelopes }));
    expect(Buffer.compare(encodeBatch(envelopes), Buffer.from(generated))).toBe(0);
  });

  it('round-trips envelopes byte for byte and in order', () => {
    const decoded = decodeBatch(encodeBatch(envelopes));
    expect(decoded.map((e) => e.length)).toEqual(envelopes.map((e) => e.length));
    decoded.forEach((e, i) => expect(Buffer.compare(e, envelopes[i])).toBe(0));
  });

  it('counts the tag and the length prefix of each envelope', () => {
    expect(batchOverhead(1)).toBe(2);
    expect(batchOverhead(127)).toBe(2);
    expect(batchOverhead(128)).toBe(3);
    expect(batchOverhead(16384)).toBe(4);
    const total = envelopes.reduce((sum, e) => sum + batchOverhead(e.length) + e.length, 0);
    expect(encodeBatch(envelopes).length).toBe(total);
  });

  it('refuses bytes that are not a batch, and an empty batch', () => {
    expect(() => decodeBatch(Buffer.from('not a protobuf batch'))).toThrow(ContractError);
    expect(() => decodeBatch(Buffer.from([0x0a, 0x05, 0x01]))).toThrow(/batch does not decode/);
    expect(() => decodeBatch(Buffer.alloc(0))).toThrow(/holds no envelope/);
  });
});
