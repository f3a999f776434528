import 'reflect-metadata';
import { runNode } from '@fed/platform';
import { MonitorModule } from './monitor.module';

runNode((config) => MonitorModule.forRoot(config)).catch((e: unknown) => {
  console.error(
    JSON.stringify({ level: 'fatal', msg: 'node failed to start', err: String((e as Error)?.stack ?? e) }),
  );
  process.exit(1);
});
