import { randomUUID } from 'node:crypto';
import { KafkaAdapter } from '@fed/federation';

export interface CollectedMessage {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/**
 * Reads `topic` from the beginning with a consumer group of its own until `done(messages)` holds,
 * or fails after `timeoutMs`.
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
          messages.push({
            key: message.key?.toString() ?? null,
            value: message.value ?? Buffer.alloc(0),
            headers,
            partition,
            offset: message.offset,
          });
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
