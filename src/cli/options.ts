import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';

/** `--set svd.factors=100 --set als.alpha=20` → `{svd: {factors: 100}, als: {alpha: 20}}`. */
export function collectParam(value: string, previous: Record<string, Record<string, unknown>> = {}) {
  const match = /^([a-z0-9-]+)\.([A-Za-z0-9]+)=(.+)$/.exec(value);
  if (match === null) throw new InvalidArgumentError(`expected model.param=value, got '${value}'`);
  const [, model, name, raw] = match;
  const parsed =
    raw === 'true' ? true : raw === 'false' ? false : Number.isNaN(Number(raw)) ? raw : Number(raw);
  return { ...previous, [model]: { ...previous[model], [name]: parsed } };
}

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

export function integer(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer`);
    return n;
  };
}

export function modelList(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) throw new InvalidArgumentError('name at least one model');
  const repeated = names.find((name, k) => names.indexOf(name) !== k);
  if (repeated !== undefined) throw new InvalidArgumentError(`'${repeated}' is named twice`);
  return names;
}

/** A file to write, whose folder must exist: checked while parsing, before any long work. */
export function outputFile(value: string): string {
  const folder = dirname(resolve(value));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new InvalidArgumentError(`folder ${folder} does not exist`);
  }
  if (existsSync(value) && statSync(value).isDirectory()) {
    throw new InvalidArgumentError(`${value} is a folder`);
  }
  return value;
}

/** Every model `--set` names must be one the command runs; a parameter for another is a mistake. */
export function checkSetModels(set: Record<string, unknown>, models: string[], modelOption: string): void {
  for (const name of Object.keys(set)) {
    if (!models.includes(name)) {
      throw new Error(`--set names model '${name}', which is not in ${modelOption} (${models.join(', ')})`);
    }
  }
}
