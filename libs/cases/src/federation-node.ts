import { DynamicModule } from '@nestjs/common';
import { FederationModule, KafkaHealth } from '@fed/federation';
import { DatabaseHealth, PersistenceModule } from '@fed/persistence';
import { NodeConfig, NodeTier, PlatformModule } from '@fed/platform';
import { CasesModule } from './cases.module';

/**
 * What every case-holding node is made of: platform, its own database, Kafka with the outbox relay
 * and the consumer of what flows to it (from below and from above), and the case store.
 */
export function federationNodeImports(config: NodeConfig): DynamicModule[] {
  return [
    PlatformModule.forRoot(config, [DatabaseHealth, KafkaHealth]),
    PersistenceModule.forRoot(config),
    { module: FederationModule },
    CasesModule.forNode(),
  ];
}

/** Refuses to boot an app with a node of another tier (e.g. the district app with a community code). */
export function assertTier(config: NodeConfig, tier: NodeTier): void {
  if (config.node.tier !== tier) {
    throw new Error(`FED_NODE_CODE ${config.node.code} is a ${config.node.tier}, this app runs a ${tier}`);
  }
}
