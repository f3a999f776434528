export * from './case.types';
export * from './envelope.codec';
export * from './reference.types';
export { ACTION_LIMITS } from './action.codec';
export { CATALOG_LIMITS, validateCatalogItem } from './reference.codec';
export { CONTROL_CHARACTERS, ITEM_CODE } from './wire';
export { batchOverhead, decodeBatch, encodeBatch } from './batch.codec';
export * from './sync.codec';
