/**
 * cinerec as a library: load data, split it, fit models, evaluate them.
 *
 * ```ts
 * import { loadDatasetByName, loadSettings, evaluate } from 'cinerec';
 * const dataset = await loadDatasetByName('ml-100k', loadSettings());
 * const report = await evaluate(dataset, { protocol: 'kfold', models: [{ name: 'svd' }] });
 * ```
 */
export { loadSettings, type Settings } from './config.js';
export * from './data/index.js';
export * from './eval/index.js';
export { Rng } from './math/random.js';
export { topK } from './math/topk.js';
export * from './models/index.js';
