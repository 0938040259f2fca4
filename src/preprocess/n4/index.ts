/** N4 bias-field correction: the algorithm, runnable anywhere (worker, Node, tests). */
export { correctBiasField, type N4Checkpoint, type N4Input, type N4LevelReport, type N4Progress, type N4Result, type N4RunOptions } from './n4.ts';
export { N4_DEFAULTS, N4_FAST, N4_PRESETS, resolveN4Options, type N4Options, type N4Preset } from './options.ts';
