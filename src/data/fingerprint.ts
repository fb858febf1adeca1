import { createHash } from 'node:crypto';
import type { Dataset } from './dataset.js';
import type { IdMap } from './idmap.js';

/**
 * A short hash of what dense indices mean in `dataset`: its name and the raw ids behind every user
 * and item index, in order. A model artifact records it so that it is never applied to a dataset
 * whose indices point at other users or movies. New ratings between known ids do not change it.
 */
export function datasetFingerprint(dataset: Pick<Dataset, 'name' | 'users' | 'items'>): string {
  const hash = createHash('sha256');
  hash.update(`${dataset.name}\n`);
  hashIds(hash, 'users', dataset.users);
  hashIds(hash, 'items', dataset.items);
  return hash.digest('hex').slice(0, 16);
}

function hashIds(hash: ReturnType<typeof createHash>, label: string, ids: IdMap): void {
  hash.update(`${label} ${ids.size}\n`);
  // Batched: one update per id would dominate for 200k users.
  const batch: string[] = [];
  for (const id of ids.rawIds()) {
    // The type prefix keeps the number 7 and the string "7" apart.
    batch.push(typeof id === 'number' ? `n${id}` : `s${id}`);
    if (batch.length === 4096) {
      hash.update(`${batch.join('\n')}\n`);
      batch.length = 0;
    }
  }
  hash.update(`${batch.join('\n')}\n`);
}
