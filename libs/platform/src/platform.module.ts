import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { NODE_CONFIG, NodeConfig } from './config';
import { HEALTH_CHECKS, HealthCheck, HealthController } from './health';
import { Metrics } from './metrics';
import { NodeController } from './node.controller';

/**
 * Config, metrics, health and node identity: what every node has.
 * `healthChecks` are providers exported by other global modules (database, Kafka).
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: NodeConfig, healthChecks: Type<HealthCheck>[]): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController, NodeController],
      providers: [
        { provide: NODE_CONFIG, useValue: config },
        Metrics,
        { provide: HEALTH_CHECKS, useFactory: (...checks: HealthCheck[]) => checks, inject: healthChecks },
      ],
      exports: [NODE_CONFIG, Metrics],
    };
  }
}
