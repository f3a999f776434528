import type { Topology, TopologyNode } from '@fed/platform';

/**
 * Topic names. Upwards, every node consumes `<ns>.up.<its code>` and publishes its cases and relayed
 * events to `<ns>.up.<parent code>`: a district reads only what its communities send it, by
 * construction. Downwards (catalog, calendar, decisions on handed-up cases), a node consumes
 * `<ns>.down.<its code>`, written by its parent only.
 */
export class Topics {
  constructor(private readonly namespace: string) {}

  /** Where the children of `nodeCode` publish, and what `nodeCode` consumes. */
  inbound(nodeCode: string): string {
    return `${this.namespace}.up.${nodeCode}`;
  }

  /** Where the parent of `nodeCode` publishes what flows down to it. */
  downward(nodeCode: string): string {
    return `${this.namespace}.down.${nodeCode}`;
  }

  /** The down topic towards the community of `caseNo` from `node`, or null at that community. */
  downTowardCase(topology: Topology, node: TopologyNode, caseNo: string): string | null {
    const child = topology.childToward(node, caseNo.slice(0, 12));
    return child ? this.downward(child) : null;
  }

  /** What a node consumes: from its children when it has any, from its parent when it has one. */
  consumed(node: { code: string; parent?: string; children: string[] }): string[] {
    return [
      ...(node.children.length > 0 ? [this.inbound(node.code)] : []),
      ...(node.parent ? [this.downward(node.code)] : []),
    ];
  }

  /** Messages `nodeCode` could not apply, with the reason in the headers. */
  deadLetter(nodeCode: string): string {
    return `${this.namespace}.dlq.${nodeCode}`;
  }

  consumerGroup(nodeCode: string): string {
    return `${this.namespace}.node.${nodeCode}`;
  }
}

/** Kafka header names the federation sets. */
export const HEADERS = {
  /** Code of the node that published this copy (the origin, or the district relaying it). */
  sender: 'fed-sender',
  eventId: 'fed-event-id',
  /** `sync` on anti-entropy messages (proto `SyncMessage`, packed like events); absent on events. */
  kind: 'fed-kind',
  deadLetterReason: 'fed-dead-letter-reason',
  deadLetterSource: 'fed-dead-letter-source',
  /**
   * On a dead letter published without its payload (larger than DEAD_LETTER_PAYLOAD_LIMIT): the
   * payload's size in bytes. The node's dead_letter table keeps the bytes.
   */
  deadLetterPayloadBytes: 'fed-dead-letter-payload-bytes',
} as const;

export const SYNC_KIND = 'sync';

/**
 * Largest payload a dead letter carries on its topic: a message refused whole may be as large as the
 * broker allows, and with the reason beside it would no longer fit, and block the outbox behind it.
 */
export const DEAD_LETTER_PAYLOAD_LIMIT = 512 * 1024;

/** Partitions of a federation topic; messages are keyed by case number, so one case stays in one partition. */
export const TOPIC_PARTITIONS = 6;
