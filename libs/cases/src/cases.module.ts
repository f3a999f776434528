import { DynamicModule, Module } from '@nestjs/common';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { ReplicaConsumer } from './replica.consumer';
import { ReplicaRepository } from './replica.repository';
import { ReplicaService } from './replica.service';
import { SyncController } from './sync.controller';
import { SyncRepository } from './sync.repository';

/** The case store of a node: the shared read API and sync status; with `consume`, the replica of the tiers below. */
@Module({})
export class CasesModule {
  static forNode(options: { consume: boolean }): DynamicModule {
    return {
      module: CasesModule,
      controllers: [CasesController, SyncController, ...(options.consume ? [ReplicaConsumer] : [])],
      providers: [
        CasesRepository,
        SyncRepository,
        ...(options.consume ? [ReplicaRepository, ReplicaService] : []),
      ],
      exports: [CasesRepository],
    };
  }
}
