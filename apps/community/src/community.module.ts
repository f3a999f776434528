import { DynamicModule, Module } from '@nestjs/common';
import { assertTier, federationNodeImports } from '@fed/cases';
import { NodeConfig } from '@fed/platform';
import { FilingModule } from './cases/filing.module';

@Module({})
export class CommunityModule {
  static forRoot(config: NodeConfig): DynamicModule {
    assertTier(config, 'community');
    return {
      module: CommunityModule,
      imports: [...federationNodeImports(config), FilingModule],
    };
  }
}
