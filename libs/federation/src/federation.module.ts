import { Global, Module } from '@nestjs/common';
import { FederationServer } from './federation.server';
import { KafkaAdapter, KafkaHealth } from './kafka.adapter';
import { OutboxRelay } from './outbox.relay';
import { OutboxRepository } from './outbox.repository';

/** Kafka, the outbox relay and the inbound transport. Needs PlatformModule and PersistenceModule. */
@Global()
@Module({
  providers: [KafkaAdapter, KafkaHealth, OutboxRepository, OutboxRelay, FederationServer],
  exports: [KafkaAdapter, KafkaHealth, OutboxRepository, OutboxRelay, FederationServer],
})
export class FederationModule {}
