import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric of a node: one Registry per process, names and buckets defined here only. */
export class Metrics {
  readonly registry = new Registry();

  readonly eventsPublished = new Counter({
    name: 'fed_events_published_total',
    help: 'Events published to Kafka by the outbox relay',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly eventsApplied = new Counter({
    name: 'fed_events_applied_total',
    help: 'Events applied to this node’s store, by origin node',
    labelNames: ['origin'],
    registers: [this.registry],
  });
  readonly duplicatesSkipped = new Counter({
    name: 'fed_events_duplicate_total',
    help: 'Events received again and skipped (already applied)',
    labelNames: ['origin'],
    registers: [this.registry],
  });
  readonly eventsParked = new Counter({
    name: 'fed_events_parked_total',
    help: 'Events that arrived ahead of a missing case version and were parked',
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'fed_events_dead_lettered_total',
    help: 'Messages set aside to the dead-letter topic',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly casesFiled = new Counter({
    name: 'fed_cases_filed_total',
    help: 'Cases filed at this node',
    registers: [this.registry],
  });
  readonly caseActions = new Counter({
    name: 'fed_case_actions_total',
    help: 'Lifecycle events produced at this node, by event type',
    labelNames: ['action'],
    registers: [this.registry],
  });
  readonly referencePublished = new Counter({
    name: 'fed_reference_published_total',
    help: 'Catalog items and calendars published by this node, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly warningTransitions = new Counter({
    name: 'fed_warning_transitions_total',
    help: 'Warning-state changes the warning clock of this node recorded, by new level',
    labelNames: ['level'],
    registers: [this.registry],
  });
  readonly calendarGaps = new Counter({
    name: 'fed_calendar_gap_total',
    help: 'Working-day questions refused because the calendar has no official arrangement for a year',
    labelNames: ['year'],
    registers: [this.registry],
  });
  readonly outboxBacklog = new Gauge({
    name: 'fed_outbox_backlog',
    help: 'Outbox rows not yet published',
    registers: [this.registry],
  });
  readonly parkedBacklog = new Gauge({
    name: 'fed_parked_events',
    help: 'Events waiting for an earlier version of their case',
    registers: [this.registry],
  });
  readonly consumerRestarts = new Counter({
    name: 'fed_consumer_restarts_total',
    help: 'Consumers replaced after kafkajs stopped them for good (a crash it would not restart)',
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: 'fed_consumer_lag',
    help: 'Messages on the inbound topic not yet consumed',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  readonly applyBatchSeconds = new Histogram({
    name: 'fed_apply_batch_seconds',
    help: 'Time to apply one inbound batch in one transaction',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly fetchWaitSeconds = new Histogram({
    name: 'fed_fetch_wait_seconds',
    help:
      'From a message reaching the broker (its producer timestamp) to this node taking it in a fetch: ' +
      'time spent waiting on the broker, between the sender publishing and fed_apply_batch_seconds',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30, 300],
    registers: [this.registry],
  });
  readonly eventDelaySeconds = new Histogram({
    name: 'fed_event_delay_seconds',
    help: 'From the event occurring at its origin to its application here',
    labelNames: ['origin_tier'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly reconcileChecks = new Counter({
    name: 'fed_reconcile_checks_total',
    help: 'Anti-entropy checks this node ran with a child, by outcome (agreed, diverged, settling, no-answer)',
    labelNames: ['child', 'outcome'],
    registers: [this.registry],
  });
  readonly reconcileMessages = new Counter({
    name: 'fed_reconcile_messages_total',
    help: 'Anti-entropy messages sent, by kind (digest-request, digest, resend-request)',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly reconcileEventsResent = new Counter({
    name: 'fed_reconcile_events_resent_total',
    help: 'Events published again from the event log because a check found them missing, by direction',
    labelNames: ['direction'],
    registers: [this.registry],
  });
  readonly reconcileRepaired = new Counter({
    name: 'fed_reconcile_repaired_cases_total',
    help: 'Cases that differed from a child at one check and agreed at the next',
    labelNames: ['child'],
    registers: [this.registry],
  });
  readonly reconcileRebuilt = new Counter({
    name: 'fed_reconcile_rebuilt_cases_total',
    help: 'Cases whose row was missing here and was rebuilt from this node’s own event log',
    registers: [this.registry],
  });
  readonly reconcileDivergent = new Gauge({
    name: 'fed_reconcile_divergent_cases',
    help: 'Cases that differed from a child at the last check',
    labelNames: ['child'],
    registers: [this.registry],
  });
  readonly reconcileUnrepaired = new Gauge({
    name: 'fed_reconcile_unrepaired_cases',
    help: 'Cases still differing from a child after repeated repair, or conflicting: an operator alert',
    labelNames: ['child'],
    registers: [this.registry],
  });
  readonly reconcileOrphans = new Gauge({
    name: 'fed_reconcile_orphan_cases',
    help: 'Cases held here that the child below does not have: reported, never deleted',
    labelNames: ['child'],
    registers: [this.registry],
  });
  readonly reconcileClusterChanges = new Counter({
    name: 'fed_reconcile_cluster_changes_total',
    help: 'Times this node found itself on a Kafka cluster other than the one it worked with before',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
