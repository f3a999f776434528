import { DynamicModule, Module } from '@nestjs/common';
import { assertTier, federationNodeImports } from '@fed/cases';
import { NodeConfig } from '@fed/platform';

@Module({})
export class CityModule {
  static forRoot(config: NodeConfig): DynamicModule {
    assertTier(config, 'city');
    return { module: CityModule, imports: [...federationNodeImports(config)] };
  }
}
