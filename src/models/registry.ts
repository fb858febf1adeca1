import type { Interactions } from '../data/interactions.js';
import { type ArtifactHeader, readArtifact, writeArtifact } from './artifact.js';
import type { Recommender } from './base.js';
import type { ParamSchema } from './types.js';

/** One model as the registry knows it: its CLI name, what it is, its parameters and factory. */
export interface ModelEntry {
  name: string;
  description: string;
  /** Explicit ratings (RMSE/MAE) or a ranking-only implicit model. */
  kind: 'rating' | 'ranking';
  schema: ParamSchema;
  create(params?: Record<string, unknown>): Recommender;
}

const entries = new Map<string, ModelEntry>();

export function registerModel(entry: ModelEntry): void {
  if (entries.has(entry.name)) throw new Error(`registry: model '${entry.name}' is registered twice`);
  entries.set(entry.name, entry);
}

export function modelEntry(name: string): ModelEntry {
  const entry = entries.get(name);
  if (entry === undefined) {
    throw new Error(`unknown model '${name}' (known: ${[...entries.keys()].join(', ')})`);
  }
  return entry;
}

export function modelNames(): string[] {
  return [...entries.keys()];
}

export function createModel(name: string, params: Record<string, unknown> = {}): Recommender {
  return modelEntry(name).create(params);
}

/** Save a fitted model to a checksummed artifact; returns the file's sha256. */
export function saveModel(
  model: Recommender,
  path: string,
  info: Record<string, unknown> = {},
): Promise<string> {
  return writeArtifact(path, model, model.trainData, info);
}

/** Load any registered model from its artifact. */
export async function loadModel(path: string): Promise<Recommender> {
  return (await loadModelWithHeader(path)).model;
}

/** Load a model and the header it was saved with (dataset, fingerprint and other info). */
export async function loadModelWithHeader(
  path: string,
): Promise<{ model: Recommender; header: ArtifactHeader }> {
  const { header, state, train } = await readArtifact(path);
  const model = modelEntry(header.model).create(header.params);
  model.restore(state, train);
  return { model, header };
}

export type { Interactions };
