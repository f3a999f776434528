import { DynamicModule, Global, Injectable, Logger, Module } from '@nestjs/common';
import type { Client as PgClient } from 'pg';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { HealthCheck, NodeConfig } from '@fed/platform';
import { ensureDatabase } from './database';
import { TypeOrmJsonLogger } from './typeorm-logger';
import { FederationSchema1764140000000 } from './migrations/1764140000000-federation-schema';
import { LifecycleAndReferenceData1764300000000 } from './migrations/1764300000000-lifecycle-and-reference-data';
import { BackfillLegacyCases1764300000001 } from './migrations/1764300000001-backfill-legacy-cases';
import { WarningEventsIndex1764400000000 } from './migrations/1764400000000-warning-events-index';
import { ComplianceStatistics1764400000001 } from './migrations/1764400000001-compliance-statistics';
import { OversightColumns1764400000002 } from './migrations/1764400000002-oversight-columns';
import { SupervisionTickets1764400000003 } from './migrations/1764400000003-supervision-tickets';
import { StatisticsTuning1764400000004 } from './migrations/1764400000004-statistics-tuning';
import { StatisticsLock1764400000005 } from './migrations/1764400000005-statistics-lock';
import { PackedMessages1764500000000 } from './migrations/1764500000000-packed-messages';
import { FilingRequests1764600000000 } from './migrations/1764600000000-filing-requests';
import { DeadLetterEventId1764700000000 } from './migrations/1764700000000-dead-letter-event-id';
import { ProvisionalMeasurements1764800000000 } from './migrations/1764800000000-provisional-measurements';
import { Reconciliation1764900000000 } from './migrations/1764900000000-reconciliation';
import { ReferenceNotify1764900000001 } from './migrations/1764900000001-reference-notify';

/** The replica schema's migrations, in order. Never rewrite one that has landed; add a new one. */
export const MIGRATIONS = [
  FederationSchema1764140000000,
  LifecycleAndReferenceData1764300000000,
  BackfillLegacyCases1764300000001,
  WarningEventsIndex1764400000000,
  ComplianceStatistics1764400000001,
  OversightColumns1764400000002,
  SupervisionTickets1764400000003,
  StatisticsTuning1764400000004,
  StatisticsLock1764400000005,
  PackedMessages1764500000000,
  FilingRequests1764600000000,
  DeadLetterEventId1764700000000,
  ProvisionalMeasurements1764800000000,
  Reconciliation1764900000000,
  ReferenceNotify1764900000001,
];

@Injectable()
export class DatabaseHealth implements HealthCheck {
  readonly name = 'database';
  constructor(private readonly dataSource: DataSource) {}
  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}

const connections = new Logger('Database');

/**
 * Gives every pooled connection an 'error' listener for its whole life. A connection cut while no
 * statement runs on it emits 'error', and pg-pool and TypeORM each listen only part of the time (idle
 * in the pool; held by a query runner): an error in between ended the process (seen when the server
 * ended every connection of a city's database while it applied batches). The connection is broken
 * either way; its holder's next statement fails and the pool drops it.
 */
export function keepErrorsOf(client: Pick<PgClient, 'on'>): void {
  client.on('error', (e: Error) => connections.warn({ msg: 'database connection lost', err: e.message }));
}

/** The node's own PostgreSQL database: created if missing and migrated on start (never `synchronize`). */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(config: NodeConfig): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensureDatabase(config.databaseUrl);
            return {
              type: 'postgres',
              url: config.databaseUrl,
              migrations: MIGRATIONS,
              migrationsRun: true,
              synchronize: false,
              logger: new TypeOrmJsonLogger(),
              applicationName: `fed-${config.node.code}`,
              extra: { max: 10, onConnect: keepErrorsOf },
            };
          },
        }),
      ],
      providers: [DatabaseHealth],
      exports: [DatabaseHealth],
    };
  }
}
