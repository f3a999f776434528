import { randomUUID } from 'node:crypto';
import { decodeBatch } from '@fed/contracts';
import { KafkaAdapter } from '@fed/federation';

/** One envelope of a packed message read from a federation topic, and where it was. */
export interface CollectedMessage {
  /** The envelope, as the relay published it. */
  value: Buffer;
  /** The headers of the Kafka message that carried it. */
  headers: Record<string, string>;
  partition: number;
  offset: string;
  /** Its place in the message's batch. */
  index: number;
}

/**
 * Reads `topic` from the beginning with a consumer group of its own, unpacking every message's batch,
 * until `done(envelopes)` holds, or fails after `timeoutMs`.
 */
export async function collect(
  kafka: KafkaAdapter,
  topic: string,
  done: (messages: CollectedMessage[]) => boolean,
  timeoutMs = 20000,
): Promise<CollectedMessage[]> {
  const consumer = kafka.createConsumer(`test-${randomUUID()}`);
  const messages: CollectedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`collected ${messages.length} messages of ${topic} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
          decodeBatch(message.value ?? Buffer.alloc(0)).forEach((value, index) =>
            messages.push({ value, headers, partition, offset: message.offset, index }),
          );
          if (done(messages)) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
