import 'reflect-metadata';
import { FederationServer } from '@fed/federation';
import { runNode } from '@fed/platform';
import { CityModule } from './city.module';

runNode((config) => CityModule.forRoot(config), { consumer: FederationServer }).catch((e: unknown) => {
  console.error(
    JSON.stringify({ level: 'fatal', msg: 'node failed to start', err: String((e as Error)?.stack ?? e) }),
  );
  process.exit(1);
});
