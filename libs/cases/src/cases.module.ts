import { DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { ActionsController } from './actions.controller';
import { ActionsService } from './actions.service';
import { CalendarController } from './calendar/calendar.controller';
import { CalendarService } from './calendar/calendar.service';
import { CatalogController, GuideController } from './catalog/catalog.controller';
import { CatalogService } from './catalog/catalog.service';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { PublicCasesController } from './public.controller';
import { ReferenceRepository } from './reference.repository';
import { ReferencePublisher } from './reference.publisher';
import { ReferenceResync } from './reference.resync';
import { ReplicaConsumer } from './replica.consumer';
import { ReplicaRepository } from './replica.repository';
import { ReplicaService } from './replica.service';
import { ReconcileRepository } from './reconcile/reconcile.repository';
import { ReconcileService } from './reconcile/reconcile.service';
import { SyncController } from './sync.controller';
import { SyncRepository } from './sync.repository';
import { SupervisionController } from './supervision/supervision.controller';
import { SupervisionRepository } from './supervision/supervision.repository';
import { SupervisionService } from './supervision/supervision.service';
import { OversightController } from './stats/oversight.controller';
import { OversightRepository } from './stats/oversight.repository';
import { StatsController } from './stats/stats.controller';
import { StatsRepository } from './stats/stats.repository';
import { StatsService } from './stats/stats.service';
import { Clock } from './warning/clock';
import { WarningClock } from './warning/warning.clock';
import { WarningController } from './warning/warning.controller';

/**
 * The case store of a node and everything around it: the shared read API, lifecycle actions, the
 * replica of the tiers below (and of what flows down from above), the catalog, the working-day
 * calendar, the citizen lookup and sync status.
 */
@Module({})
export class CasesModule {
  static forNode(): DynamicModule {
    return {
      module: CasesModule,
      // The community's filing uses the catalog.
      global: true,
      imports: [ThrottlerModule.forRoot([{ name: 'default', ttl: 60_000, limit: 20 }])],
      controllers: [
        CasesController,
        ActionsController,
        SyncController,
        ReplicaConsumer,
        CatalogController,
        GuideController,
        CalendarController,
        PublicCasesController,
        WarningController,
        StatsController,
        OversightController,
        SupervisionController,
      ],
      providers: [
        CasesRepository,
        SyncRepository,
        ReconcileRepository,
        ReconcileService,
        ReplicaRepository,
        ReplicaService,
        ReferenceRepository,
        ActionsService,
        CatalogService,
        CalendarService,
        ReferencePublisher,
        ReferenceResync,
        Clock,
        WarningClock,
        StatsRepository,
        StatsService,
        OversightRepository,
        SupervisionRepository,
        SupervisionService,
      ],
      exports: [CasesRepository, CatalogService, CalendarService, Clock],
    };
  }
}
