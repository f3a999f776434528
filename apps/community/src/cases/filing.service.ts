import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CASE_FILED, CaseSnapshot, encodeEvent, FederationEvent } from '@fed/contracts';
import { HEADERS, OutboxRelay, Topics } from '@fed/federation';
import { Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { CaseView } from '@fed/cases';
import { maskIdNumber, maskMobile, maskName } from './applicant.rules';
import { formatCaseNo } from './case-number';
import { FileCaseDto } from './filing.dto';
import { ApplicantPersonal, FiledCase, FilingRepository } from './filing.repository';

export type FiledCaseView = CaseView & { applicantPersonal: ApplicantPersonal };

/** Status of a case filed and not yet accepted (收件). */
export const STATUS_SUBMITTED = 'submitted';

@Injectable()
export class FilingService {
  private readonly logger = new Logger(FilingService.name);
  private readonly topic: string;

  constructor(
    private readonly filings: FilingRepository,
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
    const filed = this.prepare(dto, new Date(), await this.filings.nextSequence());
    await this.filings.insert(filed);
    return this.filed([filed])[0];
  }

  /**
   * Files several cases at once (a bulk import from an online channel, a station catching up on paper
   * forms): all of them or, when the statement fails, none.
   */
  async fileMany(dtos: FileCaseDto[]): Promise<FiledCaseView[]> {
    const filedAt = new Date();
    const sequences: number[] = [];
    for (let i = 0; i < dtos.length; i++) sequences.push(await this.filings.nextSequence());
    const cases = dtos.map((dto, i) => this.prepare(dto, filedAt, sequences[i]));
    await this.filings.insertAll(cases);
    return this.filed(cases);
  }

  private prepare(dto: FileCaseDto, filedAt: Date, sequence: number): FiledCase {
    const { node, topology } = this.config;
    const district = topology.get(node.parent ?? '');
    const caseNo = formatCaseNo(node.code, filedAt, sequence);
    const personal: ApplicantPersonal = { ...dto.applicant };
    const snapshot: CaseSnapshot = {
      caseNo,
      communityCode: node.code,
      districtCode: district.code,
      cityCode: district.parent ?? '',
      itemCode: dto.itemCode,
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
    return cases.map(({ snapshot, personal, event }) => {
      this.logger.log({
        msg: 'case filed',
        caseNo: snapshot.caseNo,
        messageId: event.eventId,
        itemCode: snapshot.itemCode,
        channel: snapshot.channel,
      });
      return { ...snapshot, version: 1, applicantPersonal: personal };
    });
  }
}
