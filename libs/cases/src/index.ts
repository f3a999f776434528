export * from './case.fold';
export * from './case.row';
export * from './cases.dto';
export * from './cases.errors';
export * from './cases.module';
export * from './cases.repository';
export * from './replica.service';
export * from './federation-node';
