export * from './schema.ts';
export * from './validate.ts';
export * from './memory.ts';
export * from './migrations.ts';
export { VIT_DEFAULTS } from './modelShapes.ts';
export * from './sweepPoints.ts';
