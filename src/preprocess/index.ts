/** MR preprocessing: N4 bias-field correction (algorithm in n4/, worker in worker/, client here). */
export { N4Client, createN4Worker, type N4CallOptions, type N4Endpoint } from './client.ts';
export type { N4CorrectOptions, N4CorrectResult, N4Progress, N4Volume, N4WorkerApi } from './protocol.ts';
export { N4_DEFAULTS, N4_FAST, N4_PRESETS, resolveN4Options, type N4Options, type N4Preset } from './n4/index.ts';
