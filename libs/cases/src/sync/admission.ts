import {
  CASE_FILED,
  CaseSnapshot,
  CATALOG_ITEM_PUBLISHED,
  FederationEvent,
  ReferenceBody,
  ReferenceEvent,
} from '@fed/contracts';
import type { MessagePosition } from '@fed/federation';
import { Topics } from '@fed/federation';
import type { Topology, TopologyNode } from '@fed/platform';

/**
 * Which Kafka messages a node trusts: the security-critical rules of the federation, pure. From
 * below, only a node's own subtree may write to it; from above, only its parent, with events of its
 * ancestors about cases of its own subtree; reference data only from the parent. Which way a message
 * came is told by the topic it was read from (only children write to `<ns>.up.<self>`, only the
 * parent to `<ns>.down.<self>`; broker ACLs enforce that in production), and the sender header must
 * agree with it.
 */
export class Admission {
  private readonly topics: Topics;

  constructor(
    private readonly node: TopologyNode,
    private readonly topology: Topology,
    namespace: string,
  ) {
    this.topics = new Topics(namespace);
  }

  /** Why this node refuses a case event outright, or null. */
  eventRefusal(event: FederationEvent, position: Pick<MessagePosition, 'topic' | 'sender'>): string | null {
    const self = this.node.code;
    const { topology } = this;
    const sender = position.sender;
    if (!sender || !topology.has(sender))
      return `sender ${sender ?? '(none)'} is not a node of the federation`;
    if (!topology.has(event.originNode)) return `origin ${event.originNode} is not a node of the federation`;
    if (topology.get(event.originNode).tier !== event.originTier) {
      return `origin ${event.originNode} is a ${topology.get(event.originNode).tier}, not a ${event.originTier}`;
    }
    const community = event.caseNo.slice(0, 12);
    if (!topology.has(community) || topology.get(community).tier !== 'community') {
      return `case ${event.caseNo} does not belong to a community of the federation`;
    }
    const fromBelow = position.topic === this.topics.inbound(self) && topology.get(sender).parent === self;
    const fromAbove = position.topic === this.topics.downward(self) && this.node.parent === sender;
    if (fromBelow) {
      if (event.originNode === self || !topology.isWithin(event.originNode, sender)) {
        return `origin ${event.originNode} is not within sender ${sender}`;
      }
      if (!topology.isWithin(community, sender)) {
        return `case ${event.caseNo} does not belong to a community under ${sender}`;
      }
    } else if (fromAbove) {
      if (!topology.isWithin(sender, event.originNode)) {
        return `origin ${event.originNode} is not ${sender} or above it`;
      }
      if (!topology.isWithin(community, self)) return `case ${event.caseNo} does not belong under ${self}`;
      if (event.body.type === CASE_FILED) return 'a case is filed by its community, never sent down';
    } else {
      return `sender ${sender} on ${position.topic} is neither a child writing up nor the parent writing down to ${self}`;
    }
    if (event.body.type === CASE_FILED) {
      const r = event.body.record;
      const district = topology.get(community).parent;
      if (
        r.communityCode !== community ||
        r.districtCode !== district ||
        r.cityCode !== topology.get(district ?? '').parent
      ) {
        return `case ${event.caseNo} names community/district/city codes that do not match the topology`;
      }
      if (event.originNode !== community) return `case ${event.caseNo} was not filed by its own community`;
    }
    const body = event.body;
    if (body.type !== CASE_FILED && body.action.action === 'hand-up') {
      const to = body.action.toNode;
      if (!topology.has(to) || topology.get(event.originNode).parent !== to) {
        return `case ${event.caseNo} can be handed up only to the parent of ${event.originNode}, not ${to}`;
      }
    }
    return null;
  }

  /** Reference data comes only from the parent, published by it or a node above it. */
  referenceRefusal(
    event: ReferenceEvent,
    position: Pick<MessagePosition, 'topic' | 'sender'>,
  ): string | null {
    const { node, topology } = this;
    const sender = position.sender;
    if (!sender || sender !== node.parent || position.topic !== this.topics.downward(node.code))
      return `reference data must come down from the parent ${node.parent ?? '(none)'}`;
    if (!topology.has(event.originNode) || !topology.isWithin(sender, event.originNode)) {
      return `origin ${event.originNode} is not ${sender} or above it`;
    }
    if (topology.get(event.originNode).tier !== event.originTier) {
      return `origin ${event.originNode} is a ${topology.get(event.originNode).tier}, not a ${event.originTier}`;
    }
    return null;
  }

  /**
   * Why a district refuses a new case's item terms: they must be those of the catalog version the
   * case names, which the district holds (the catalog reaches a community only through it).
   * `published` is that version as the district knows it, or undefined.
   */
  static termsRefusal(
    caseNo: string,
    record: CaseSnapshot,
    published: ReferenceBody | undefined,
  ): string | null {
    const item = record.item;
    const terms = published?.type === CATALOG_ITEM_PUBLISHED ? published.item : undefined;
    if (
      terms !== undefined &&
      terms.name === item.name &&
      terms.department === item.department &&
      terms.decidingTier === item.decidingTier &&
      terms.promisedDays === item.promisedDays &&
      terms.legalDays === item.legalDays
    )
      return null;
    return terms
      ? `case ${caseNo} carries terms of item ${item.code} v${item.version} that differ from the catalog`
      : `case ${caseNo} names item ${item.code} v${item.version}, which the catalog here does not know`;
  }
}
