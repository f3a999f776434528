import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  CASE_FILED,
  CaseSnapshot,
  emptyLifecycle,
  encodeEvent,
  FederationEvent,
  ItemTerms,
} from '@fed/contracts';
import { HEADERS, OutboxRelay, Topics } from '@fed/federation';
import { Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { CaseView, CatalogService, newQueryCode, queryCodeHash } from '@fed/cases';
import { maskIdNumber, maskMobile, maskName } from './applicant.rules';
import { formatCaseNo } from './case-number';
import { FileCaseDto } from './filing.dto';
import { ApplicantPersonal, FiledCase, FilingRepository } from './filing.repository';

export type FiledCaseView = CaseView & { applicantPersonal: ApplicantPersonal; queryCode: string };

/** Status of a case filed and not yet accepted (收件). */
export const STATUS_SUBMITTED = 'submitted' as const;

@Injectable()
export class FilingService {
  private readonly logger = new Logger(FilingService.name);
  private readonly topic: string;

  constructor(
    private readonly filings: FilingRepository,
    private readonly catalog: CatalogService,
    private readonly relay: OutboxRelay,
    private readonly metrics: Metrics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {
    const district = config.node.parent;
    if (!district) throw new Error(`community ${config.node.code} has no district in the topology`);
    this.topic = new Topics(config.namespace).inbound(district);
  }

  /** Files a case: stored here with its first event, and published to the district through the outbox. */
  async file(dto: FileCaseDto): Promise<FiledCaseView> {
    const item = await this.catalog.termsForFiling(dto.itemCode);
    const filed = this.prepare(dto, item, new Date(), await this.filings.nextSequence());
    await this.filings.insert(filed);
    return this.filed([filed])[0];
  }

  /**
   * Files several cases at once (a bulk import from an online channel, a station catching up on paper
   * forms): all of them or, when the statement fails, none.
   */
  async fileMany(dtos: FileCaseDto[]): Promise<FiledCaseView[]> {
    const filedAt = new Date();
    const items = new Map<string, ItemTerms>();
    for (const code of new Set(dtos.map((d) => d.itemCode))) {
      items.set(code, await this.catalog.termsForFiling(code));
    }
    const sequences: number[] = [];
    for (let i = 0; i < dtos.length; i++) sequences.push(await this.filings.nextSequence());
    const cases = dtos.map((dto, i) => this.prepare(dto, items.get(dto.itemCode)!, filedAt, sequences[i]));
    await this.filings.insertAll(cases);
    return this.filed(cases);
  }

  private prepare(dto: FileCaseDto, item: ItemTerms, filedAt: Date, sequence: number): FiledCase {
    const { node, topology } = this.config;
    const district = topology.get(node.parent ?? '');
    const caseNo = formatCaseNo(node.code, filedAt, sequence);
    const queryCode = newQueryCode();
    const personal: ApplicantPersonal = { ...dto.applicant };
    const snapshot: CaseSnapshot = {
      caseNo,
      communityCode: node.code,
      districtCode: district.code,
      cityCode: district.parent ?? '',
      itemCode: dto.itemCode,
      item,
      channel: dto.channel,
      // Tiers above see the applicant masked; the full data stays in case_applicant here.
      applicant: {
        name: maskName(personal.name),
        idNumber: maskIdNumber(personal.idNumber),
        phone: maskMobile(personal.phone),
      },
      formData: dto.formData,
      status: STATUS_SUBMITTED,
      filedAt: filedAt.toISOString(),
      handlingNode: node.code,
      queryCodeHash: queryCodeHash(caseNo, queryCode),
      lifecycle: emptyLifecycle(),
    };
    const event: FederationEvent = {
      eventId: randomUUID(),
      originNode: node.code,
      originTier: 'community',
      caseNo,
      caseVersion: 1,
      occurredAt: filedAt,
      schemaVersion: 1,
      body: { type: CASE_FILED, record: snapshot },
    };
    const raw = Buffer.from(encodeEvent(event));
    return {
      snapshot,
      personal,
      queryCode,
      event,
      raw,
      outbox: {
        topic: this.topic,
        key: caseNo,
        value: raw,
        headers: { [HEADERS.sender]: node.code, [HEADERS.eventId]: event.eventId },
      },
    };
  }

  /** After the commit: wake the relay, count, log, and answer with the cases as stored. */
  private filed(cases: FiledCase[]): FiledCaseView[] {
    this.relay.wake();
    this.metrics.casesFiled.inc(cases.length);
    return cases.map(({ snapshot, personal, queryCode, event }) => {
      this.logger.log({
        msg: 'case filed',
        caseNo: snapshot.caseNo,
        messageId: event.eventId,
        itemCode: snapshot.itemCode,
        channel: snapshot.channel,
      });
      // The query code is told to the applicant once, here; only its hash is kept.
      return { ...snapshot, version: 1, applicantPersonal: personal, queryCode };
    });
  }
}
