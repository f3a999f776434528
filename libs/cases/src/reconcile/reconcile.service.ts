import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { decodeEvent, encodeSync, SyncBucket, SyncMessage } from '@fed/contracts';
import {
  FederationServer,
  HEADERS,
  InboundControl,
  KafkaAdapter,
  OutboxRelay,
  OutboxRepository,
  OutboxRow,
  SYNC_KIND,
  Topics,
} from '@fed/federation';
import { Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { planApply } from '../case.fold';
import { ReferenceRepository } from '../reference.repository';
import { ReferenceResync } from '../reference.resync';
import { ReplicaRepository } from '../replica.repository';
import { Clock } from '../warning/clock';
import { byLength, chunks, Classified, classify, groupByBudget, narrow } from './reconcile.compare';
import { DigestScope, ReconcileRepository, StoredEvent } from './reconcile.repository';

/** A differing bucket holding at most this many cases (on either side) is compared case by case. */
const LEAF_MAX = 256;
/** Most cases one answer lists, most prefixes one request names: messages of tens of kilobytes. */
const CASES_PER_MESSAGE = 2000;
/** Cases a check compares one by one at most: a flood of differences is worked off check by check. */
const LEAF_CASES_PER_CHECK = 4_000;
const PREFIXES_PER_MESSAGE = 500;
/** A check whose answers have not all come within this time ends as "no-answer". */
const CHECK_TIMEOUT_MS = 60_000;
/** A digest older than this (in flight through a backlog) is ignored: the next check is fresher. */
const DIGEST_MAX_AGE_MS = 120_000;
/** After this many checks in a row finding the same case different, it is an operator alert. */
const ATTEMPTS_BEFORE_ALERT = 3;
/** First check after start: the consumer has joined its group and caught up meanwhile. */
const FIRST_CHECK_DELAY_MS = 5_000;
/** After a repair, the next check with that child comes this soon: the events sent again are applied by then. */
const FOLLOW_UP_MS = 10_000;
/** Cases of each kind a check's record lists by number (all are counted). */
const LISTED = 1000;
/** Above this many events applied per second, a routine check waits for the next interval... */
const BUSY_EVENTS_PER_S = 100;
/** ...but no more than this many times in a row. */
const MAX_DEFERRALS = 3;
const LOAD_WINDOW_MS = 5_000;
/** Cases without a row rebuilt from the event log per pass. */
const REBUILD_LIMIT = 1000;

interface CheckState {
  child: string;
  checkId: string;
  startedAt: Date;
  outstanding: number;
  messages: number;
  compared: number;
  referencesAgree: boolean | null;
  childClusterId: string | null;
  /** Both sides describe their cases as of this instant. */
  asOf: Date;
  /** Cases of differing buckets listed so far, and those left for the next check. */
  listed: number;
  unexamined: number;
  found: Classified;
  timer: NodeJS.Timeout;
}

/** What a node knows of its last checks with one child, in memory between checks. */
interface ChildMemory {
  /** Cases found different at the last check, with how many checks in a row found them so. */
  attempts: Map<string, number>;
}

/**
 * Anti-entropy between tiers. A parent regularly (and on start, on a new Kafka cluster, on offsets
 * lost, on demand) compares its replica of each child's cases with the child's own, through digests
 * travelling on the federation topics, both sides as of one instant in the past: per filing month,
 * then day, then 16th, 256th and 4096th of a day, down to the cases of the buckets that differ. What the child holds and the parent lacks, the child sends
 * again from its event log; what the parent holds and the child lacks (decisions flowing down), the
 * parent sends again; both inboxes apply them exactly once. Reference data is compared by hash and
 * sent again whole. A case at the parent that its child does not have is reported, never deleted.
 */
@Injectable()
export class ReconcileService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcileService.name);
  private readonly topics: Topics;
  private readonly checks = new Map<string, CheckState>();
  private readonly memory = new Map<string, ChildMemory>();
  private queue: Promise<unknown> = Promise.resolve();
  private interval?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;
  private followUps = new Map<string, NodeJS.Timeout>();
  private clusterId: string | null = null;
  private load?: NodeJS.Timeout;
  private lastLoad?: { total: number; at: number };
  /** Events applied per second lately (see measureLoad). */
  private rate = 0;
  /** Periodic checks put off in a row because live traffic kept the node busy. */
  private deferred = 0;
  private stopped = false;

  constructor(
    private readonly repo: ReconcileRepository,
    private readonly replica: ReplicaRepository,
    private readonly references: ReferenceRepository,
    private readonly resync: ReferenceResync,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly server: FederationServer,
    private readonly kafka: KafkaAdapter,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {
    this.topics = new Topics(config.namespace);
  }

  onApplicationBootstrap(): void {
    if (this.config.node.tier === 'monitor') return;
    this.server.onControl((controls) => {
      for (const c of controls) void this.serially(() => this.receive(c));
    });
    this.kafka.onOffsetsLost(() => void this.serially(() => this.tick('offsets out of range')));
    this.first = setTimeout(() => void this.serially(() => this.tick('start')), FIRST_CHECK_DELAY_MS);
    const every = this.config.reconcile.intervalMs;
    if (every > 0) this.interval = setInterval(() => void this.serially(() => this.tick('interval')), every);
    // Only a parent runs checks, and so only a parent needs to know how busy it is.
    if (this.config.node.children.length > 0)
      this.load = setInterval(() => void this.measureLoad(), LOAD_WINDOW_MS);
  }

  /** Events applied here per second over the last few seconds: how busy live traffic keeps the node. */
  private async measureLoad(): Promise<void> {
    const total = (await this.metrics.eventsApplied.get()).values.reduce((n, v) => n + v.value, 0);
    const now = Date.now();
    if (this.lastLoad) this.rate = ((total - this.lastLoad.total) * 1000) / (now - this.lastLoad.at);
    this.lastLoad = { total, at: now };
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.first);
    clearInterval(this.interval);
    clearInterval(this.load);
    for (const t of this.followUps.values()) clearTimeout(t);
    for (const s of this.checks.values()) clearTimeout(s.timer);
  }

  /** Checks with every child now (and tells the parent to check with this node). */
  async runNow(): Promise<{ checks: { child: string; checkId: string }[] }> {
    return this.serially(() => this.tick('on demand'));
  }

  /** Per child: the last check, what it found and repaired; and the Kafka clusters seen. */
  async status() {
    const rows = new Map((await this.repo.children()).map((r) => [r.child, r]));
    const { node, topology } = this.config;
    return {
      node: node.code,
      intervalMs: this.config.reconcile.intervalMs,
      settleMs: this.config.reconcile.settleMs,
      clusters: (await this.repo.clusters()).map((c) => ({
        clusterId: c.clusterId,
        firstSeen: c.firstSeen.toISOString(),
        lastSeen: c.lastSeen.toISOString(),
      })),
      children: node.children.map((child) => {
        const r = rows.get(child);
        const running = this.checks.get(child);
        return {
          child,
          name: topology.get(child).name,
          state: r?.outcome ?? 'never checked',
          agreed: r ? r.outcome === 'agreed' : null,
          running: running ? { checkId: running.checkId, startedAt: running.startedAt.toISOString() } : null,
          lastCheck: r && {
            checkId: r.check_id,
            startedAt: r.started_at?.toISOString() ?? null,
            finishedAt: r.finished_at?.toISOString() ?? null,
            casesCompared: r.cases_compared,
            messages: r.messages,
            referencesAgree: r.references_agree,
            counts: r.counts,
            divergent: r.divergent,
            unrepaired: r.unrepaired,
            orphans: r.orphans,
            conflicts: r.conflicts,
          },
          lastAgreedAt: r?.last_agreed_at?.toISOString() ?? null,
          checks: Number(r?.checks_total ?? 0),
          casesRepaired: Number(r?.repaired_total ?? 0),
          eventsResent: Number(r?.resent_total ?? 0),
          childClusterId: r?.child_cluster_id ?? null,
        };
      }),
    };
  }

  /** One at a time: checks, answers and repairs never interleave within this process. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.queue.then(work, work);
    this.queue = turn.catch((e: Error) =>
      this.logger.warn({ msg: 'anti-entropy step failed; the next check repeats it', err: e.message }),
    );
    return turn;
  }

  private async tick(reason: string): Promise<{ checks: { child: string; checkId: string }[] }> {
    if (this.stopped) return { checks: [] };
    // A routine check yields to live traffic (a check reads every case of a child), a few times at
    // most; a start, a new cluster, lost offsets and a request never wait.
    if (reason === 'interval' && this.rate > BUSY_EVENTS_PER_S && this.deferred < MAX_DEFERRALS) {
      this.deferred++;
      this.logger.log({
        msg: 'anti-entropy check put off: live traffic keeps the node busy',
        eventsPerSecond: Math.round(this.rate),
        deferred: this.deferred,
        nodeCode: this.config.node.code,
      });
      return { checks: [] };
    }
    if (reason === 'interval') this.deferred = 0;
    const newCluster = await this.watchCluster();
    await this.rebuildRowsFromLog();
    const { node } = this.config;
    // Below the parent: tell it to check now, by sending it the top-level digest unasked.
    if (node.parent && (reason !== 'interval' || newCluster))
      await this.answer(randomUUID(), [''], false, this.asOfNow());
    const checks = [];
    for (const child of node.children) checks.push({ child, checkId: await this.startCheck(child, reason) });
    return { checks };
  }

  /** Records the Kafka cluster this node works with; a new one means the broker's data is gone. */
  private async watchCluster(): Promise<boolean> {
    let id: string;
    try {
      id = await this.kafka.clusterId();
    } catch (e) {
      this.logger.warn({ msg: 'Kafka cluster id not known yet', err: (e as Error).message });
      return false;
    }
    if (id === this.clusterId) return false;
    this.clusterId = id;
    const seen = await this.repo.seeCluster(id);
    const changed = seen.isNew && seen.previous.length > 0;
    if (changed) {
      this.metrics.reconcileClusterChanges.inc();
      this.logger.warn({
        msg: 'working with a new Kafka cluster: what was in flight on the old one is recovered from the event logs',
        clusterId: id,
        previous: seen.previous[0],
        nodeCode: this.config.node.code,
      });
    }
    return changed;
  }

  /**
   * A case whose events are held here while its row is gone (removed by hand) is rebuilt from this
   * node's own event log; the statistics count it again as they stopped counting it.
   */
  private async rebuildRowsFromLog(): Promise<void> {
    const missing = await this.repo.casesWithoutRow(REBUILD_LIMIT);
    if (missing.length === 0) return;
    const rebuilt = await this.replica.transaction(async (m) => {
      await this.replica.lockApply(m);
      const still = await this.repo.casesWithoutRow(REBUILD_LIMIT);
      const events = await this.repo.eventsAfter(still.map((caseNo) => ({ caseNo, afterVersion: 0 })));
      const candidates = events.map((e) => ({ event: decodeEvent(e.envelope) }));
      const plan = planApply(new Map(), candidates, new Map());
      await this.replica.upsertCases(m, [...plan.results.values()]);
      return [...plan.results.keys()];
    });
    this.metrics.reconcileRebuilt.inc(rebuilt.length);
    this.logger.warn({
      msg: 'case rows missing here were rebuilt from the event log',
      cases: rebuilt.length,
      caseNos: rebuilt.slice(0, 50),
      nodeCode: this.config.node.code,
    });
  }

  /** At the parent: its replica of one child's cases. */
  private scopeOf(child: string): DigestScope {
    const tier = this.config.topology.get(child).tier;
    return {
      filter: { column: tier === 'community' ? 'community_code' : 'district_code', code: child },
      communities: this.communitiesUnder(child),
    };
  }

  /** At the child: all its cases. */
  private ownScope(): DigestScope {
    return { filter: null, communities: this.communitiesUnder(this.config.node.code) };
  }

  private communitiesUnder(code: string): string[] {
    const { topology } = this.config;
    return topology
      .all()
      .filter((n) => n.tier === 'community' && topology.isWithin(n.code, code))
      .map((n) => n.code);
  }

  /**
   * The instant a check compares: FED_RECONCILE_SETTLE_MS ago, so that what is still travelling
   * between the tiers makes no difference.
   */
  private asOfNow(): Date {
    return new Date(this.clock.now().getTime() - this.config.reconcile.settleMs);
  }

  private async startCheck(child: string, reason: string): Promise<string> {
    const running = this.checks.get(child);
    if (running) return running.checkId;
    const state = this.newState(child, randomUUID(), this.asOfNow());
    this.logger.log({ msg: 'anti-entropy check started', child, checkId: state.checkId, reason });
    await this.request(state, [''], false);
    return state.checkId;
  }

  private newState(child: string, checkId: string, asOf: Date): CheckState {
    const state: CheckState = {
      child,
      checkId,
      startedAt: new Date(),
      outstanding: 0,
      messages: 0,
      compared: 0,
      referencesAgree: null,
      childClusterId: null,
      asOf,
      listed: 0,
      unexamined: 0,
      found: { childAhead: [], parentAhead: [], orphans: [], conflicts: [] },
      timer: setTimeout(() => void this.serially(() => this.finish(state, true)), CHECK_TIMEOUT_MS),
    };
    this.checks.set(child, state);
    return state;
  }

  private async request(state: CheckState, prefixes: string[], cases: boolean): Promise<void> {
    state.outstanding++;
    state.messages++;
    await this.send(this.topics.downward(state.child), {
      checkId: state.checkId,
      sentAt: new Date(),
      body: { kind: 'digest-request', prefixes, cases, asOf: state.asOf },
    });
  }

  private async receive({ position, message }: InboundControl): Promise<void> {
    const body = message.body;
    if (body.kind === 'digest-request')
      return this.answer(message.checkId, body.prefixes, body.cases, body.asOf);
    if (body.kind === 'resend-request') return this.resendUp(message.checkId, body.cases);
    return this.compare(position.sender!, message);
  }

  /** At the child: the digest of the requested buckets, or their cases, sent up. */
  private async answer(checkId: string, prefixes: string[], cases: boolean, asOf: Date): Promise<void> {
    const parent = this.config.node.parent;
    if (!parent) return;
    const top = prefixes.includes('');
    const [buckets, marks] = cases
      ? [[], await this.repo.marks(this.ownScope(), prefixes, asOf)]
      : [await this.repo.buckets(this.ownScope(), prefixes, asOf), []];
    await this.send(this.topics.inbound(parent), {
      checkId,
      sentAt: new Date(),
      body: {
        kind: 'digest',
        prefixes,
        cases,
        asOf,
        buckets,
        marks,
        referencesHash: top ? await this.referencesHash(parent) : '',
        clusterId: top ? (this.clusterId ?? '') : '',
      },
    });
  }

  /** At the child: the events the parent lacks, from this node's event log, sent up again. */
  private async resendUp(checkId: string, cases: { caseNo: string; afterVersion: number }[]): Promise<void> {
    const parent = this.config.node.parent;
    if (!parent) return;
    const events = await this.repo.eventsAfter(cases);
    await this.appendAndWake(this.relayed(this.topics.inbound(parent), events));
    this.metrics.reconcileEventsResent.inc({ direction: 'up' }, events.length);
    this.logger.warn({
      msg: 'events sent up again at the parent’s request',
      checkId,
      cases: cases.length,
      events: events.length,
      caseNos: cases.slice(0, 50).map((c) => c.caseNo),
      nodeCode: this.config.node.code,
    });
  }

  /** At the parent: one answer of a check compared with this node's replica of the child. */
  private async compare(child: string, message: SyncMessage): Promise<void> {
    if (message.body.kind !== 'digest') return;
    const body = message.body;
    if (Date.now() - message.sentAt.getTime() > DIGEST_MAX_AGE_MS) return;
    let state = this.checks.get(child);
    const unasked = body.prefixes.length === 1 && body.prefixes[0] === '' && !body.cases;
    if (!state || state.checkId !== message.checkId) {
      // The child asked for a check (it started, or found a new cluster); one running already covers it.
      if (!unasked || state) return;
      state = this.newState(child, message.checkId, body.asOf);
      state.outstanding = 1;
      state.messages = 1;
      this.logger.log({ msg: 'anti-entropy check started', child, checkId: state.checkId, reason: 'child' });
    }
    state.outstanding--;
    state.messages++;
    const scope = this.scopeOf(child);
    if (body.prefixes.includes('')) {
      state.childClusterId = body.clusterId || null;
      state.referencesAgree = body.referencesHash === (await this.referencesHash(this.config.node.code));
      if (!state.referencesAgree) await this.resendReferences(child);
    }
    if (body.cases) {
      const mine = await this.repo.marks(scope, body.prefixes, state.asOf);
      const found = classify(mine, body.marks);
      for (const k of Object.keys(found) as (keyof Classified)[])
        (state.found[k] as unknown[]).push(...(found[k] as unknown[]));
    } else {
      const mine = await this.repo.buckets(scope, body.prefixes, state.asOf);
      if (body.prefixes.includes('')) state.compared = Math.max(sum(mine), sum(body.buckets));
      const { deeper, leaves } = narrow(mine, body.buckets, LEAF_MAX);
      const count = countOf(mine, body.buckets);
      // A check lists at most LEAF_CASES_PER_CHECK cases; what differs beyond waits for the next.
      const withinBudget = (keys: string[]) => {
        const n = keys.reduce((total, key) => total + count(key), 0);
        if (state.listed + n > LEAF_CASES_PER_CHECK) {
          state.unexamined += n;
          return false;
        }
        state.listed += n;
        return true;
      };
      // A bucket the child does not have at all: every case of it here is an orphan, no need to ask.
      const theirs = new Set(body.buckets.map((b) => b.key));
      for (const [, group] of byLength([...leaves, ...deeper].filter((k) => !theirs.has(k))))
        if (withinBudget(group))
          state.found.orphans.push(...(await this.repo.marks(scope, group, state.asOf)).map((m) => m.caseNo));
      for (const group of groupByBudget(
        leaves.filter((k) => theirs.has(k)),
        count,
        CASES_PER_MESSAGE,
      ))
        if (withinBudget(group)) await this.request(state, group, true);
      for (const [, group] of byLength(deeper.filter((k) => theirs.has(k))))
        for (const part of chunks(group, PREFIXES_PER_MESSAGE)) await this.request(state, part, false);
    }
    if (state.outstanding === 0) await this.finish(state, false);
  }

  /** At the parent: repairs what the check found, reports what cannot be, and records it. */
  private async finish(state: CheckState, timedOut: boolean): Promise<void> {
    if (this.checks.get(state.child) !== state) return;
    this.checks.delete(state.child);
    clearTimeout(state.timer);
    const { child } = state;
    const f = state.found;
    let resent = 0;
    if (!timedOut) {
      for (const part of chunks(f.childAhead, CASES_PER_MESSAGE)) {
        state.messages++;
        await this.send(this.topics.downward(child), {
          checkId: state.checkId,
          sentAt: new Date(),
          body: { kind: 'resend-request', cases: part },
        });
      }
      resent = await this.resendDown(state);
    }
    const memory = this.memory.get(child) ?? { attempts: new Map<string, number>() };
    this.memory.set(child, memory);
    const divergent = [...f.childAhead.map((c) => c.caseNo), ...f.parentAhead.map((c) => c.caseNo)].sort();
    let repaired = 0;
    const attempts = new Map<string, number>();
    if (!timedOut) {
      const stillOpen = new Set([...divergent, ...f.orphans, ...f.conflicts.map((c) => c.caseNo)]);
      for (const caseNo of memory.attempts.keys()) if (!stillOpen.has(caseNo)) repaired++;
      for (const caseNo of divergent) attempts.set(caseNo, (memory.attempts.get(caseNo) ?? 0) + 1);
      memory.attempts = attempts;
    }
    const unrepaired = [
      ...[...attempts].filter(([, n]) => n >= ATTEMPTS_BEFORE_ALERT).map(([caseNo]) => caseNo),
      ...f.conflicts.map((c) => c.caseNo),
    ].sort();
    const outcome = timedOut
      ? 'no-answer'
      : divergent.length + f.orphans.length + f.conflicts.length + state.unexamined > 0 ||
          state.referencesAgree === false
        ? 'diverged'
        : 'agreed';
    await this.repo.saveCheck({
      child,
      checkId: state.checkId,
      startedAt: state.startedAt,
      finishedAt: new Date(),
      outcome,
      referencesAgree: state.referencesAgree,
      casesCompared: state.compared,
      messages: state.messages,
      // The lists are kept to their first LISTED; the metrics and the log count them all.
      divergent: divergent.slice(0, LISTED),
      unrepaired: unrepaired.slice(0, LISTED),
      orphans: f.orphans.slice(0, LISTED),
      conflicts: f.conflicts.slice(0, LISTED),
      counts: {
        divergent: divergent.length,
        unrepaired: unrepaired.length,
        orphans: f.orphans.length,
        conflicts: f.conflicts.length,
        unexamined: state.unexamined,
      },
      repaired,
      resent,
      childClusterId: state.childClusterId,
    });
    this.metrics.reconcileChecks.inc({ child, outcome });
    this.metrics.reconcileDivergent.set({ child }, divergent.length);
    this.metrics.reconcileUnrepaired.set({ child }, unrepaired.length);
    this.metrics.reconcileOrphans.set({ child }, f.orphans.length);
    if (repaired > 0) this.metrics.reconcileRepaired.inc({ child }, repaired);
    const summary = {
      child,
      checkId: state.checkId,
      outcome,
      casesCompared: state.compared,
      messages: state.messages,
      divergent: divergent.length,
      repaired,
      nodeCode: this.config.node.code,
    };
    if (outcome === 'agreed') this.logger.log({ msg: 'anti-entropy check: the child agrees', ...summary });
    else
      this.logger.warn({
        msg: `anti-entropy check: ${outcome}`,
        ...summary,
        caseNos: divergent.slice(0, 50),
      });
    if (f.orphans.length > 0)
      this.logger.error({
        msg: 'ALERT: cases held here that the child does not have; kept and reported, not deleted',
        child,
        caseNos: f.orphans.slice(0, 100),
        count: f.orphans.length,
        nodeCode: this.config.node.code,
      });
    if (unrepaired.length > 0)
      this.logger.error({
        msg: 'ALERT: cases still differing from the child after repair; an operator must look',
        child,
        caseNos: unrepaired.slice(0, 100),
        conflicts: f.conflicts.slice(0, 20),
        count: unrepaired.length,
        nodeCode: this.config.node.code,
      });
    // What was sent again is looked at again soon, rather than at the next interval.
    if (!timedOut && divergent.length > 0 && !this.stopped) {
      clearTimeout(this.followUps.get(child));
      this.followUps.set(
        child,
        setTimeout(() => void this.serially(() => this.startCheck(child, 'follow-up')), FOLLOW_UP_MS),
      );
    }
  }

  /**
   * At the parent: events the child lacks, sent down again from this node's log. Only those that
   * originated here or above travel down; what came from below the child is the child's to recover
   * from its own children. A case whose histories part (the child's last event is not ours at that
   * version) is a conflict, not repaired.
   */
  private async resendDown(state: CheckState): Promise<number> {
    const { node, topology } = this.config;
    const ahead = state.found.parentAhead;
    if (ahead.length === 0) return 0;
    const ids = await this.replica.transaction((m) =>
      this.replica.appliedEventIds(
        m,
        ahead.map((a) => ({ caseNo: a.caseNo, version: a.childVersion })),
      ),
    );
    const same = ahead.filter((a) => {
      const ours = ids.get(`${a.caseNo}:${a.childVersion}`);
      if (a.childVersion === 0 || ours === a.childEventId) return true;
      state.found.conflicts.push({
        caseNo: a.caseNo,
        version: a.childVersion,
        parentEventId: ours ?? '',
        childEventId: a.childEventId,
      });
      return false;
    });
    const events = await this.repo.eventsAfter(
      same.map((a) => ({ caseNo: a.caseNo, afterVersion: a.childVersion })),
    );
    const down = events.filter(
      (e) => topology.has(e.originNode) && topology.isWithin(node.code, e.originNode),
    );
    await this.appendAndWake(this.relayed(this.topics.downward(state.child), down));
    if (down.length > 0) {
      this.metrics.reconcileEventsResent.inc({ direction: 'down' }, down.length);
      this.logger.warn({
        msg: 'events sent down again: the child lacks them',
        child: state.child,
        checkId: state.checkId,
        events: down.length,
        caseNos: [...new Set(down.map((e) => e.caseNo))].slice(0, 50),
        nodeCode: node.code,
      });
    }
    return down.length;
  }

  /** The reference data this node holds from `from` and above, as one hash: what a child must hold too. */
  private async referencesHash(from: string): Promise<string> {
    const { topology } = this.config;
    const held = (await this.references.all())
      .filter((r) => topology.has(r.owner) && topology.isWithin(from, r.owner))
      .map((r) => `${r.subject}@${r.version}:${r.eventId}`)
      .sort();
    return createHash('md5').update(held.join(',')).digest('hex');
  }

  /** Every piece of reference data this node holds (its own and from above), sent again to one child. */
  private async resendReferences(child: string): Promise<void> {
    const subjects = await this.resync.resend([child]);
    this.metrics.reconcileEventsResent.inc({ direction: 'down' }, subjects);
    this.logger.warn({
      msg: 'reference data sent again: the child holds other versions',
      child,
      subjects,
      nodeCode: this.config.node.code,
    });
  }

  /** Outbox rows publishing stored events again on `topic`, byte for byte, from this node. */
  private relayed(topic: string, events: StoredEvent[]): OutboxRow[] {
    return events.map((e) => ({
      topic,
      key: e.caseNo,
      value: e.envelope,
      headers: { [HEADERS.sender]: this.config.node.code, [HEADERS.eventId]: e.eventId },
    }));
  }

  private async send(topic: string, message: SyncMessage): Promise<void> {
    this.metrics.reconcileMessages.inc({ kind: message.body.kind });
    await this.appendAndWake([
      {
        topic,
        key: this.config.node.code,
        value: Buffer.from(encodeSync(message)),
        headers: { [HEADERS.sender]: this.config.node.code, [HEADERS.kind]: SYNC_KIND },
      },
    ]);
  }

  private async appendAndWake(rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.replica.transaction((m) => this.outbox.append(m, rows));
    this.relay.wake();
  }
}

function sum(buckets: SyncBucket[]): number {
  return buckets.reduce((n, b) => n + b.count, 0);
}

function countOf(a: SyncBucket[], b: SyncBucket[]): (key: string) => number {
  const counts = new Map<string, number>();
  for (const x of [...a, ...b]) counts.set(x.key, Math.max(counts.get(x.key) ?? 0, x.count));
  return (key) => counts.get(key) ?? 0;
}
