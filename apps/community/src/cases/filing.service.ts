import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
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
import { DomainError, Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { caseView, CaseView, CatalogService, Clock, newQueryCode, queryCodeHash } from '@fed/cases';
import { isDatabaseUnavailable } from '@fed/persistence';
import { maskIdNumber, maskMobile, maskName } from './applicant.rules';
import { formatCaseNo } from './case-number';
import { FileCaseDto } from './filing.dto';
import {
  ApplicantPersonal,
  FiledCase,
  FilingRepository,
  FilingRequestRow,
  isRepeatedKey,
} from './filing.repository';
import { IDEMPOTENCY_KEY_HOURS, keyHash, open, requestHash, seal } from './idempotency';

/** How often keys past IDEMPOTENCY_KEY_HOURS are forgotten. */
const FORGET_KEYS_EVERY_MS = 10 * 60 * 1000;

export type FiledCaseView = CaseView & { applicantPersonal: ApplicantPersonal; queryCode: string };

/** What a filing answers; `replayed` when it repeats an earlier request with the same Idempotency-Key. */
export interface FilingAnswer<T> {
  body: T;
  replayed: boolean;
}

/** Seals a filing's answer into the request row stored with its cases (when it carried a key). */
type RequestSealer<T> = ((answer: T) => FilingRequestRow) | undefined;

/** Status of a case filed and not yet accepted (收件). */
export const STATUS_SUBMITTED = 'submitted' as const;

@Injectable()
export class FilingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FilingService.name);
  private readonly topic: string;
  private forgetTimer?: NodeJS.Timeout;
  /** Keyed filings under way here, by key hash: a repeat waits for the first instead of racing it. */
  private readonly keysInFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly filings: FilingRepository,
    private readonly catalog: CatalogService,
    private readonly relay: OutboxRelay,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {
    const district = config.node.parent;
    if (!district) throw new Error(`community ${config.node.code} has no district in the topology`);
    this.topic = new Topics(config.namespace).inbound(district);
  }

  onApplicationBootstrap(): void {
    this.forgetTimer = setInterval(() => void this.forgetOldKeys(), FORGET_KEYS_EVERY_MS);
    this.forgetTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.forgetTimer);
  }

  /** Forgets the Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS, with the answers sealed under them. */
  async forgetOldKeys(): Promise<number> {
    try {
      const forgotten = await this.filings.forgetRequests(
        new Date(Date.now() - IDEMPOTENCY_KEY_HOURS * 3600_000),
      );
      if (forgotten > 0) this.logger.log({ msg: 'idempotency keys forgotten', count: forgotten });
      return forgotten;
    } catch (e) {
      this.logger.warn({ msg: 'idempotency keys not forgotten; will retry', err: (e as Error).message });
      return 0;
    }
  }

  /**
   * Files a case: stored here with its first event, and published to the district through the outbox.
   * With an Idempotency-Key, a repeat of the same request files nothing and answers as the first did.
   */
  file(dto: FileCaseDto, key?: string): Promise<FilingAnswer<FiledCaseView>> {
    const route = 'POST /api/v1/cases';
    const filing = async (sealer: RequestSealer<FiledCaseView>) => {
      const cases = await this.prepareAll([dto]);
      const [view] = this.views(cases);
      await this.filings.insert({ cases, request: sealer?.(view) });
      this.filed(cases);
      return view;
    };
    return this.once(key, route, dto, filing, (view) => ({ caseNo: view.caseNo })).catch(
      this.unavailable(route),
    );
  }

  /**
   * Files several cases at once (a bulk import from an online channel, a station catching up on paper
   * forms): all of them or, when the statement fails, none. An Idempotency-Key works as for one case.
   */
  fileMany(dtos: FileCaseDto[], key?: string): Promise<FilingAnswer<{ items: FiledCaseView[] }>> {
    type Answer = { items: FiledCaseView[] };
    const route = 'POST /api/v1/cases/batch';
    const filing = async (sealer: RequestSealer<Answer>) => {
      const cases = await this.prepareAll(dtos);
      const answer = { items: this.views(cases) };
      await this.filings.insert({ cases, request: sealer?.(answer) });
      this.filed(cases);
      return answer;
    };
    return this.once(key, route, dtos, filing, (answer) => ({
      caseNos: answer.items.map((i) => i.caseNo),
    })).catch(this.unavailable(route));
  }

  /**
   * For a filing whose database could not be reached or dropped the connection: a 503. It may or may
   * not have been stored (a cut COMMIT leaves it unknown), and sending it again with the same
   * Idempotency-Key files it exactly once. Any other error goes on as it is.
   */
  private unavailable(route: string): (e: unknown) => never {
    return (e) => {
      if (!isDatabaseUnavailable(e)) throw e;
      this.logger.warn({ msg: 'filing failed: database unavailable', route, err: (e as Error).message });
      throw new DomainError(
        'unavailable',
        'database_unavailable',
        'the database could not be reached or dropped the connection; the filing may or may not be ' +
          'stored: send it again with the same Idempotency-Key to file it exactly once',
        undefined,
        // The pool opens a new connection for the next statement: a retry soon is likely to succeed.
        { retryAfterSeconds: 2 },
      );
    };
  }

  /** New cases of these filings, filed now: each item's terms read once, a case number each. */
  private async prepareAll(dtos: FileCaseDto[]): Promise<FiledCase[]> {
    const filedAt = this.clock.now();
    const items = new Map<string, ItemTerms>();
    for (const code of new Set(dtos.map((d) => d.itemCode))) {
      items.set(code, await this.catalog.termsForFiling(code));
    }
    const sequences: number[] = [];
    for (let i = 0; i < dtos.length; i++) sequences.push(await this.filings.nextSequence());
    return dtos.map((dto, i) => this.prepare(dto, items.get(dto.itemCode)!, filedAt, sequences[i]));
  }

  /**
   * Runs a filing once per Idempotency-Key: a key seen before answers the stored answer (422 when it
   * came with another request), a new one files and stores its answer with the cases, in the same
   * transaction. Two requests with one key at the same moment: the second's transaction fails on the
   * key, and it answers the first's. `cases` names the answer's cases in the log of a repeat.
   */
  private async once<T>(
    key: string | undefined,
    route: string,
    body: unknown,
    work: (sealer: RequestSealer<T>) => Promise<T>,
    cases: (answer: T) => { caseNo: string } | { caseNos: string[] },
  ): Promise<FilingAnswer<T>> {
    if (key === undefined) return { body: await work(undefined), replayed: false };
    const hash = keyHash(key);
    const request = requestHash(route, body);
    const earlier = async (): Promise<FilingAnswer<T> | undefined> => {
      const stored = await this.filings.findRequest(hash);
      if (!stored) return undefined;
      if (!stored.requestHash.equals(request)) {
        throw new DomainError(
          'unprocessable',
          'idempotency_key_reused',
          'this Idempotency-Key came with another request before; a new request needs a new key',
        );
      }
      const answer = withoutQueryCodeHash(open<T>(key, stored.response));
      this.logger.log({ msg: 'filing repeated; answered as before', route, ...cases(answer) });
      return { body: answer, replayed: true };
    };
    // A repeat arriving while the first is under way (a double click) waits for it, then answers from
    // what it stored; it would otherwise fail the shared transaction it joined on the primary key.
    const id = hash.toString('hex');
    for (let pending = this.keysInFlight.get(id); pending; pending = this.keysInFlight.get(id)) {
      await pending;
    }
    let done!: () => void;
    this.keysInFlight.set(id, new Promise<void>((resolve) => (done = resolve)));
    try {
      const before = await earlier();
      if (before) return before;
      try {
        const answer = await work((a) => ({ keyHash: hash, requestHash: request, response: seal(key, a) }));
        return { body: answer, replayed: false };
      } catch (e) {
        // Another process of this community got there first (the primary key is the backstop).
        if (!isRepeatedKey(e)) throw e;
        const concurrent = await earlier();
        if (concurrent) return concurrent;
        throw e;
      }
    } finally {
      this.keysInFlight.delete(id);
      done();
    }
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

  /** The cases as the filing answers them. */
  private views(cases: FiledCase[]): FiledCaseView[] {
    // The query code is told to the applicant once, here; only its hash is kept.
    return cases.map(({ snapshot, personal, queryCode }) => ({
      ...caseView(snapshot, 1),
      applicantPersonal: personal,
      queryCode,
    }));
  }

  /** After the commit: wake the relay, count and log. */
  private filed(cases: FiledCase[]): void {
    this.relay.wake();
    this.metrics.casesFiled.inc(cases.length);
    for (const { snapshot, event } of cases) {
      this.logger.log({
        msg: 'case filed',
        caseNo: snapshot.caseNo,
        messageId: event.eventId,
        itemCode: snapshot.itemCode,
        channel: snapshot.channel,
      });
    }
  }
}

/**
 * An answer sealed before views left out the query code's hash (kept 24 hours) is replayed without it.
 */
function withoutQueryCodeHash<T>(answer: T): T {
  const strip = (v: unknown) => {
    if (typeof v === 'object' && v !== null) delete (v as { queryCodeHash?: unknown }).queryCodeHash;
  };
  strip(answer);
  const items = (answer as { items?: unknown } | null)?.items;
  if (Array.isArray(items)) items.forEach(strip);
  return answer;
}
