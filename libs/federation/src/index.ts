export * from './federation.module';
export * from './federation.server';
export * from './kafka.adapter';
export * from './outbox.relay';
export * from './outbox.repository';
export * from './topics';
export * from './failure';
export * from './packing';
