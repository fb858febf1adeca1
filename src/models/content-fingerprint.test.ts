// The content model remembers a fingerprint of each trained film's document, so the service can
// tell which films were edited since the fit (src/service/text-answers.ts, reconcile).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Movie } from '../data/dataset.js';
import { Interactions } from '../data/interactions.js';
import { ContentModel, documentFingerprint } from './content.js';
import { loadModel, saveModel } from './registry.js';
import './index.js';

const base: Movie = {
  movieId: 1,
  title: 'Open Sea',
  year: 2021,
  genres: ['Thriller'],
  overview: 'a shark circles swimmers near the beach',
};

/** FNV-1a 32 of a string's UTF-16 code units, written out independently of the model's code. */
function fnv(parts: string[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    for (const c of part) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
    h = Math.imul(h ^ 0xffff, 0x01000193);
  }
  return h | 0;
}

describe('documentFingerprint', () => {
  it('is FNV-1a over each field name, weight and text', () => {
    const bare: Movie = { movieId: 5, title: 'Ab', year: null, genres: [] };
    // The only field is the title, weight 0.5 (DEFAULT_FIELD_WEIGHTS).
    expect(documentFingerprint(bare)).toBe(fnv(['title', '0.5', 'Ab']));
    // FNV-1a of the empty input is its offset basis.
    expect(documentFingerprint({ ...bare, title: '' })).toBe(0x811c9dc5 | 0);
  });

  it('changes with the indexed text, not with fields search does not read', () => {
    const print = documentFingerprint(base);
    expect(documentFingerprint({ ...base, movieId: 77, voteAverage: 8.1 })).toBe(print);
    expect(documentFingerprint({ ...base, overview: 'a shark circles swimmers near the bay' })).not.toBe(
      print,
    );
    expect(documentFingerprint({ ...base, keywords: ['shark'] })).not.toBe(print);
    // The same words under another field weigh differently in the index.
    const moved = { ...base, overview: undefined, tagline: base.overview };
    expect(documentFingerprint(moved)).not.toBe(print);
  });
});

describe('content model fingerprints', () => {
  const movies: Movie[] = [0, 1, 2, 3].map((i) => ({
    movieId: i + 1,
    title: `Film ${i + 1}`,
    year: 2000,
    genres: i < 2 ? ['Thriller'] : ['Sci-Fi'],
    overview: i < 2 ? 'a shark hunts swimmers' : 'robots rebel on a space station',
  }));
  const train = new Interactions(
    2,
    4,
    Int32Array.of(0, 0, 1, 1),
    Int32Array.of(0, 2, 1, 3),
    Float32Array.of(5, 1, 4, 2),
    new Float64Array(4),
  );

  it('keeps one per trained film and round-trips them through an artifact', async () => {
    const model = await new ContentModel({ lsaDims: 2, cfFactors: 0 }).fit(train, { movies });
    const prints = model.documentFingerprints();
    expect(prints).toEqual(Int32Array.from(movies, documentFingerprint));
    const dir = mkdtempSync(join(tmpdir(), 'cinerec-prints-'));
    try {
      const path = join(dir, 'content.cinerec');
      await saveModel(model, path);
      const loaded = (await loadModel(path)) as ContentModel;
      expect(loaded.documentFingerprints()).toEqual(prints);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('restores an older state without them as null, and refuses a mis-sized array', async () => {
    const model = await new ContentModel({ lsaDims: 2, cfFactors: 0 }).fit(train, { movies });
    const state = model.state();
    const { 'content.fingerprints': prints, ...older } = state.arrays;
    expect(prints).toBeInstanceOf(Int32Array);
    const old = new ContentModel({ lsaDims: 2, cfFactors: 0 });
    old.restore({ ...state, arrays: older }, train);
    expect(old.documentFingerprints()).toBeNull();
    expect(old.search.search('shark', 1)[0]?.item).toBeLessThan(2);
    const bad = { ...state, arrays: { ...older, 'content.fingerprints': new Int32Array(3) } };
    expect(() => new ContentModel().restore(bad, train)).toThrow(/fingerprints are not 4 Int32 values/);
  });
});
