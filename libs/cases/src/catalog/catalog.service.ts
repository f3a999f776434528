import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  CATALOG_ITEM_PUBLISHED,
  CatalogItem,
  ContractError,
  encodeReference,
  ItemTerms,
  ReferenceBody,
  ReferenceEvent,
  subjectOf,
  TierName,
  validateCatalogItem,
} from '@fed/contracts';
import { HEADERS, OutboxRelay, OutboxRepository, Topics } from '@fed/federation';
import { Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { ReferenceRepository } from '../reference.repository';
import { ReplicaRepository } from '../replica.repository';
import { PublishItemDto } from './catalog.dto';
import { CatalogError } from './catalog.errors';

/** A catalog item as a node serves it: the item, who published it, and when. */
export interface CatalogEntry extends CatalogItem {
  owner: string;
  publishedAt: string;
  /** 即办件: a promised limit of 0 working days, decided when accepted. */
  instant: boolean;
}

type CatalogBody = Extract<ReferenceBody, { type: typeof CATALOG_ITEM_PUBLISHED }>;

/**
 * The service-item catalog (事项目录). The city publishes city-wide items, a district its own; both
 * flow down over Kafka. A node serves the items that apply to it: the city's, and its district's.
 */
@Injectable()
export class CatalogService {
  private readonly logger = new Logger(CatalogService.name);
  private readonly topics: Topics;
  private cached?: { generation: number; items: Promise<CatalogEntry[]> };

  constructor(
    private readonly references: ReferenceRepository,
    private readonly replica: ReplicaRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly metrics: Metrics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {
    this.topics = new Topics(config.namespace);
  }

  /** Publishers whose items apply here: this node and those above it, nearest last. */
  owners(): string[] {
    const { node, topology } = this.config;
    const chain: string[] = [];
    for (let code: string | undefined = node.code; code; code = topology.get(code).parent)
      chain.unshift(code);
    return chain.filter((c) => topology.get(c).tier !== 'community');
  }

  /** The catalog that applies here; an item a district publishes overrides a city item of the same code. */
  async list(includeWithdrawn = false): Promise<CatalogEntry[]> {
    // Filing reads the catalog on every case: it is kept in memory until reference data changes here.
    const generation = this.references.generation;
    if (this.cached?.generation !== generation) {
      const items = this.load();
      this.cached = { generation, items };
      items.catch(() => (this.cached = undefined));
    }
    const items = await this.cached.items;
    return includeWithdrawn ? items : items.filter((i) => i.status === 'active');
  }

  private async load(): Promise<CatalogEntry[]> {
    const owners = this.owners();
    const rows = await this.references.current<CatalogBody>('catalog', owners);
    const byCode = new Map<string, CatalogEntry>();
    const rank = (owner: string) => owners.indexOf(owner);
    for (const r of rows) {
      const seen = byCode.get(r.body.item.code);
      if (seen && rank(seen.owner) > rank(r.owner)) continue;
      byCode.set(r.body.item.code, {
        ...r.body.item,
        owner: r.owner,
        publishedAt: r.occurredAt,
        instant: r.body.item.promisedDays === 0,
      });
    }
    return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  async get(code: string): Promise<CatalogEntry> {
    const item = (await this.list(true)).find((i) => i.code === code);
    if (!item) throw CatalogError.unknown(code);
    return item;
  }

  /** The terms a new case runs under; 422 when the item is unknown or withdrawn. */
  async termsForFiling(code: string): Promise<ItemTerms> {
    const item = (await this.list(true)).find((i) => i.code === code);
    if (!item || item.status !== 'active') throw CatalogError.notFileable(code, item !== undefined);
    return {
      code: item.code,
      version: item.version,
      name: item.name,
      department: item.department,
      decidingTier: item.decidingTier,
      promisedDays: item.promisedDays,
      legalDays: item.legalDays,
    };
  }

  /** Publishes a new version of one of this node's items and sends it down to every child. */
  async publish(code: string, dto: PublishItemDto): Promise<CatalogEntry> {
    const { node } = this.config;
    const tier = node.tier as TierName;
    if (tier === 'community')
      throw CatalogError.notPublisher(node.code, 'communities use the catalog from above');
    if (tier === 'district' && dto.decidingTier === 'city') {
      throw CatalogError.notPublisher(node.code, 'a district item cannot be decided by the city');
    }
    const subject = subjectOf(node.code, { type: CATALOG_ITEM_PUBLISHED, item: { code } as CatalogItem });
    const event = await this.replica.transaction(async (m) => {
      const version = (await this.references.lockSubject(m, subject)) + 1;
      let item: CatalogItem;
      try {
        item = validateCatalogItem({ code, version, ...dto, materials: dto.materials ?? [] });
      } catch (e) {
        if (e instanceof ContractError) throw CatalogError.invalid(e.message);
        throw e;
      }
      const published: ReferenceEvent = {
        eventId: randomUUID(),
        originNode: node.code,
        originTier: tier,
        subject,
        version,
        occurredAt: new Date(),
        schemaVersion: 1,
        body: { type: CATALOG_ITEM_PUBLISHED, item },
      };
      await this.references.storeIfNewer(m, [{ event: published }]);
      const raw = Buffer.from(encodeReference(published));
      await this.outbox.append(
        m,
        node.children.map((child) => ({
          topic: this.topics.downward(child),
          key: subject,
          value: raw,
          headers: { [HEADERS.sender]: node.code, [HEADERS.eventId]: published.eventId },
        })),
      );
      return published;
    });
    this.references.changed();
    this.relay.wake();
    this.metrics.referencePublished.inc({ kind: 'catalog' });
    this.logger.log({
      msg: 'catalog item published',
      itemCode: code,
      version: event.version,
      messageId: event.eventId,
    });
    const item = (event.body as CatalogBody).item;
    return {
      ...item,
      owner: node.code,
      publishedAt: event.occurredAt.toISOString(),
      instant: item.promisedDays === 0,
    };
  }
}
