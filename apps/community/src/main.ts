import 'reflect-metadata';
import { FederationServer } from '@fed/federation';
import { runNode } from '@fed/platform';
import { CommunityModule } from './community.module';

runNode((config) => CommunityModule.forRoot(config), { consumer: FederationServer }).catch((e: unknown) => {
  console.error(
    JSON.stringify({ level: 'fatal', msg: 'node failed to start', err: String((e as Error)?.stack ?? e) }),
  );
  process.exit(1);
});
