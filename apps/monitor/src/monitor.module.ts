import { DynamicModule, Injectable, Module } from '@nestjs/common';
import { HealthCheck, NodeConfig, PlatformModule } from '@fed/platform';

/** The monitor has no dependency of its own yet; it is ready as soon as it listens. */
@Injectable()
class ProcessHealth implements HealthCheck {
  readonly name = 'process';
  async check(): Promise<void> {}
}

/**
 * Efficiency monitoring (deadlines, warning clock, compliance statistics) arrives with the efficiency
 * issue; until then the monitor boots and reports health, node identity and metrics only.
 */
@Module({ providers: [ProcessHealth], exports: [ProcessHealth] })
export class MonitorModule {
  static forRoot(config: NodeConfig): DynamicModule {
    if (config.node.tier !== 'monitor')
      throw new Error(`FED_NODE_CODE ${config.node.code} is not the monitor`);
    return {
      module: MonitorModule,
      global: true,
      imports: [PlatformModule.forRoot(config, [ProcessHealth])],
    };
  }
}
