import { Partitioners } from 'kafkajs';
import { decodeBatch } from '@fed/contracts';
import type { OutgoingMessage } from './kafka.adapter';
import { packMessages, partitionOf } from './packing';

const PARTITIONS = 6;
const msg = (
  topic: string,
  key: string,
  value: string,
  extra: Record<string, string> = {},
): OutgoingMessage => ({
  topic,
  key,
  value: Buffer.from(value),
  headers: { 'fed-sender': '150202', 'fed-event-id': `id-${value}`, ...extra },
});
const unpack = (m: OutgoingMessage) => decodeBatch(m.value).map((e) => e.toString());

describe('partitionOf', () => {
  it('places a key where the producer would place a keyed message', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const metadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 1,
      replicas: [1],
      isr: [1],
    }));
    for (let i = 0; i < 200; i++) {
      const key = `15020200100120261126${String(i).padStart(6, '0')}`;
      expect(partitionOf('t', key, PARTITIONS)).toBe(
        kafkajs({ topic: 't', partitionMetadata: metadata, message: { key, value: null } }),
      );
    }
  });

  it('refuses a topic whose partitions are unknown', () => {
    expect(() => partitionOf('t', 'k', 0)).toThrow(/no partitions/);
  });
});

describe('packMessages', () => {
  const keys = Array.from({ length: 40 }, (_, i) => `case-${i}`);

  it('packs per topic and partition, keeping the order of each partition', () => {
    const messages = keys.flatMap((k, i) => [
      msg('up', k, `${k}/1`),
      msg(i % 2 ? 'down' : 'up', k, `${k}/2`),
    ]);
    const packed = packMessages(
      messages,
      () => PARTITIONS,
      () => true,
    );

    const seen = new Set(packed.map((p) => `${p.topic}/${p.partition}`));
    expect(seen.size).toBe(packed.length); // one batch per topic and partition
    for (const p of packed) {
      expect(p.key).toBeNull();
      expect(p.headers).toEqual({ 'fed-sender': '150202' });
      const expected = messages
        .filter((m) => m.topic === p.topic && partitionOf(m.topic, m.key!, PARTITIONS) === p.partition)
        .map((m) => m.value.toString());
      expect(unpack(p)).toEqual(expected);
    }
    expect(packed.flatMap(unpack).sort()).toEqual(messages.map((m) => m.value.toString()).sort());
  });

  it('starts a new batch when the next envelope would pass the limit, in order', () => {
    const one = keys[0];
    const messages = Array.from({ length: 10 }, (_, i) => msg('up', one, `${i}`.padStart(40, 'x')));
    // 40 bytes + 2 of tag and length each: three envelopes fit in 130 bytes, the fourth does not.
    const packed = packMessages(
      messages,
      () => PARTITIONS,
      () => true,
      130,
    );
    expect(packed.map((p) => unpack(p).length)).toEqual([3, 3, 3, 1]);
    expect(packed.flatMap(unpack)).toEqual(messages.map((m) => m.value.toString()));
  });

  it('keeps apart messages whose headers differ, and passes the unpackable ones as they are', () => {
    const letter = { ...msg('dlq', 'case-1', 'bad', { 'fed-dead-letter-reason': 'why' }) };
    const other = msg('up', 'case-1', 'relayed-by-another', { 'fed-sender': '150204' });
    const packed = packMessages(
      [msg('up', 'case-1', 'a'), letter, other, msg('up', 'case-1', 'b')],
      () => PARTITIONS,
      (m) => m.topic !== 'dlq',
    );
    expect(packed).toContainEqual(letter);
    const batches = packed.filter((p) => p !== letter);
    expect(batches.map(unpack)).toEqual([['a', 'b'], ['relayed-by-another']]);
  });
});
