import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CATALOG_ITEM_PUBLISHED,
  CatalogItem,
  ContractError,
  ItemTerms,
  ReferenceBody,
  subjectOf,
  TierName,
  validateCatalogItem,
} from '@fed/contracts';
import { NODE_CONFIG, NodeConfig } from '@fed/platform';
import { ReferencePublisher } from '../reference.publisher';
import { ReferenceRepository } from '../reference.repository';
import { PublishItemDto } from './catalog.dto';
import { CatalogError } from './catalog.errors';

/** A catalog item as a node serves it: the item, who published it, and when. */
export interface CatalogEntry extends CatalogItem {
  owner: string;
  publishedAt: string;
  /** 即办件: a promised limit of 0 working days, decided when accepted. */
  instant: boolean;
}

function entry(item: CatalogItem, owner: string, publishedAt: string): CatalogEntry {
  return { ...item, owner, publishedAt, instant: item.promisedDays === 0 };
}

type CatalogBody = Extract<ReferenceBody, { type: typeof CATALOG_ITEM_PUBLISHED }>;

/**
 * The service-item catalog (事项目录). The city publishes city-wide items, a district its own; both
 * flow down over Kafka. A node serves the items that apply to it: the city's, and its district's.
 */
@Injectable()
export class CatalogService {
  private readonly logger = new Logger(CatalogService.name);
  private cached?: { generation: number; items: Promise<CatalogEntry[]> };

  constructor(
    private readonly references: ReferenceRepository,
    private readonly publisher: ReferencePublisher,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  /** Publishers whose items apply here: this node and those above it, nearest last. */
  owners(): string[] {
    const { node, topology } = this.config;
    return topology.lineage(node.code).filter((c) => topology.get(c).tier !== 'community');
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
      byCode.set(r.body.item.code, entry(r.body.item, r.owner, r.occurredAt));
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
    const event = await this.publisher.publish(subject, (version) => {
      try {
        return {
          type: CATALOG_ITEM_PUBLISHED,
          item: validateCatalogItem({ code, version, ...dto, materials: dto.materials ?? [] }),
        };
      } catch (e) {
        if (e instanceof ContractError) throw CatalogError.invalid(e.message);
        throw e;
      }
    });
    if (!event) throw new Error('a catalog item is always published');
    this.logger.log({
      msg: 'catalog item published',
      itemCode: code,
      version: event.version,
      messageId: event.eventId,
    });
    return entry((event.body as CatalogBody).item, node.code, event.occurredAt.toISOString());
  }
}
