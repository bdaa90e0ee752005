// File storage for uploads (product images, report evidence): `import … from '@anshim/platform/storage'`.
// Kept out of the package's main entry so services that store nothing never load the S3 SDK.
export * from './driver.ts';
export * from './magic-bytes.ts';
export * from './policies.ts';
export * from './uploads.ts';
export * from './local-driver.ts';
export * from './local-route.ts';
export * from './s3-driver.ts';
export * from './config.ts';
export { storageMessages } from './messages.ts';
export * from './upload-tickets.ts';
export * from './upload-sweep.ts';
// The kit's wiring of all this for a subgraph that stores files (openSubgraphStorage).
export * from '../kit/subgraph-storage.ts';
