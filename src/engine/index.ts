/**
 * The EMC engine: pure TypeScript over TensorFlow.js, with no DOM, React or worker code,
 * so it runs unchanged in the browser worker, the Node CLI and unit tests.
 */
export { RunCancelledError, type RunControl } from './control.ts';
export type { EngineEvent, EngineEventKind, EventSink } from './events.ts';
export * from './results.ts';
export {
  type DatasetFiles,
  describeDataMismatch,
  describeSummary,
  fetchDatasetFiles,
  type ImageEntry,
  isUserSource,
  MAX_USER_FILE_BYTES,
  readUserData,
  readZip,
  SHIPPED_DATASETS,
  SHIPPED_TABLES,
  type UserDataFile,
  type UserDataSummary,
  type UserSource,
} from './data/index.ts';
export { measureGeneralization, type RunOptions, runExperiment } from './run.ts';
export {
  firstDifference,
  mergePoint,
  mergeShards,
  type MergeResult,
  parallelJobs,
  pointProbes,
  shardOfJob,
  type ShardId,
  shardingProblem,
} from './shards.ts';
export * from './experiment/index.ts';
export { ENGINE_VERSION } from './version.ts';
