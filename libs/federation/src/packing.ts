import { Partitioners, PartitionMetadata } from 'kafkajs';
import { batchOverhead, encodeBatch } from '@fed/contracts';
import type { OutgoingMessage } from './kafka.adapter';
import { HEADERS } from './topics';

/** Envelope bytes per Kafka message at most (a larger envelope goes alone); well under the broker's 1 MiB. */
export const PACK_LIMIT_BYTES = 256 * 1024;

const partitioner = Partitioners.DefaultPartitioner();
const metadataByCount = new Map<number, PartitionMetadata[]>();

/**
 * The partition kafkajs' default partitioner (murmur2, as the Java client's) gives `key` on a topic of
 * `partitions` partitions: where a keyed message of this case would go, so a packed batch lands where
 * each of its events would have landed alone.
 */
export function partitionOf(topic: string, key: string, partitions: number): number {
  if (!(partitions >= 1)) throw new Error(`topic ${topic} has no partitions the broker told of`);
  let metadata = metadataByCount.get(partitions);
  if (!metadata) {
    metadata = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
    }));
    metadataByCount.set(partitions, metadata);
  }
  return partitioner({ topic, partitionMetadata: metadata, message: { key, value: null } });
}

interface OpenBatch {
  topic: string;
  partition: number;
  headers: Record<string, string>;
  envelopes: Buffer[];
  bytes: number;
}

/**
 * Packs messages into `EventBatch` messages: those bound for the same topic and partition with the same
 * headers (but for the event id) go together, in their order, up to `limitBytes` of envelopes per
 * message. Messages `packable` refuses (dead letters, which carry their own reason) go as they are.
 * Order per partition is kept: batches of one partition follow each other in the order of their
 * first message, as the messages did.
 */
export function packMessages(
  messages: OutgoingMessage[],
  partitionsOf: (topic: string) => number,
  packable: (m: OutgoingMessage) => boolean,
  limitBytes = PACK_LIMIT_BYTES,
): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  const open = new Map<string, OpenBatch>();
  const flush = (b: OpenBatch) => {
    out.push({
      topic: b.topic,
      partition: b.partition,
      key: null,
      value: encodeBatch(b.envelopes),
      headers: b.headers,
    });
  };
  for (const m of messages) {
    if (!packable(m) || m.key === null) {
      out.push(m);
      continue;
    }
    const partition = partitionOf(m.topic, m.key, partitionsOf(m.topic));
    const headers = { ...m.headers };
    delete headers[HEADERS.eventId];
    const group = `${m.topic}\u0000${partition}\u0000${JSON.stringify(headers)}`;
    const size = batchOverhead(m.value.length) + m.value.length;
    let batch = open.get(group);
    if (batch && batch.bytes + size > limitBytes) {
      flush(batch);
      batch = undefined;
    }
    if (!batch) {
      batch = { topic: m.topic, partition, headers, envelopes: [], bytes: 0 };
      open.set(group, batch);
    }
    batch.envelopes.push(m.value);
    batch.bytes += size;
  }
  for (const b of open.values()) flush(b);
  return out;
}
