// Arbor's wire contracts: the protos loaded for grpc-js, and the TypeScript types generated from them.
export * from './load.js';
export { fileDescriptorProtos } from './descriptors.js';
export * from './types.js';
export * from './nats.js';
export * from './handlers.js';
export { describeMalformed, type Malformed } from './malformed.js';
export * from './jobs.js';
