import { DynamicModule, Module } from '@nestjs/common';
import { assertTier, federationNodeImports } from '@fed/cases';
import { NodeConfig } from '@fed/platform';

@Module({})
export class DistrictModule {
  static forRoot(config: NodeConfig): DynamicModule {
    assertTier(config, 'district');
    return { module: DistrictModule, imports: [...federationNodeImports(config)] };
  }
}
