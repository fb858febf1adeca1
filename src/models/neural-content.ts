import type { Movie } from '../data/dataset.js';
import type { Interactions } from '../data/interactions.js';
import { buildCorpus, termBag, Vocabulary } from '../text/corpus.js';
import { movieDocument } from '../text/document.js';
import { DEFAULT_FITTED_ENCODER, FittedEncoder } from '../text/fitted-encoder.js';
import type { ItemFeatures } from './neural-features.js';

/**
 * The two optional content inputs of `neural` beyond genres and TMDB numbers: the movie's text as
 * a dense vector (`textDims`) and the people who made it (`people`). Both are fitted once at
 * neural fit time and saved with the model, so a film described after training (predictContent)
 * is encoded as the training films were.
 */

/**
 * Text space: the LSA part of the project's fitted text encoder (no CF grounding: the net learns
 * the audience itself from the ratings), fitted on the catalog's documents. Its vocabulary is kept
 * so new text maps onto the same directions.
 */
export interface TextSpace {
  encoder: FittedEncoder;
  vocab: Vocabulary;
  /** Input width: `textDims`, zero-padded when the corpus has lower rank. */
  width: number;
}

/** Fits the text space of `movies` (the first nItems rows; absent movies get empty documents). */
export function fitTextSpace(
  movies: readonly Movie[] | undefined,
  nItems: number,
  width: number,
  seed: number,
): TextSpace {
  const documents = Array.from({ length: nItems }, (_, i) => {
    const movie = movies?.[i];
    return movie === undefined ? [] : movieDocument(movie);
  });
  const corpus = buildCorpus(documents);
  const { encoder } = FittedEncoder.fit(corpus, null, { ...DEFAULT_FITTED_ENCODER, lsaDims: width, seed });
  return { encoder, vocab: new Vocabulary(corpus.terms), width };
}

/**
 * The movie's text vector into `out` (length space.width): unit length over the LSA part, scaled
 * by √width so each entry is of order 1 like the other inputs; zeros when no word is known.
 */
export function encodeText(space: TextSpace, movie: Movie | undefined, out: Float32Array): void {
  out.fill(0);
  if (movie === undefined || space.encoder.dim === 0) return;
  // A film described through the API may come without a title; its other fields still count.
  const described = typeof movie.title === 'string' ? movie : { ...movie, title: '' };
  const bag = termBag(movieDocument(described), space.vocab, false);
  const row = new Float32Array(space.encoder.dim);
  if (!space.encoder.encodeBag(bag, row)) return;
  const scale = Math.sqrt(space.width);
  for (let c = 0; c < Math.min(row.length, space.width); c++) out[c] = scale * row[c];
}

/** Director plus the first three billed cast: the slots of a movie's people input. */
export const PEOPLE_SLOTS = 4;

/**
 * People vocabulary: names seen on at least `minCount` rated training films. Row 0 of the
 * embedding is "unknown person" (a name the vocabulary lacks); known person k is row k + 1.
 */
export interface PeopleSpace {
  names: string[];
  index: Map<string, number>;
}

/** The director and top-3 cast of a movie, non-empty strings only (enrich data may be partial). */
export function moviePeople(movie: Movie | undefined): string[] {
  if (movie === undefined) return [];
  const out: string[] = [];
  if (typeof movie.director === 'string' && movie.director.trim() !== '') out.push(movie.director);
  if (Array.isArray(movie.cast)) {
    for (const name of movie.cast) {
      if (out.length >= PEOPLE_SLOTS) break;
      if (typeof name === 'string' && name.trim() !== '' && !out.includes(name)) out.push(name);
    }
  }
  return out;
}

export function fitPeopleSpace(
  train: Interactions,
  movies: readonly Movie[] | undefined,
  minCount: number,
): PeopleSpace {
  const counts = new Map<string, number>();
  const rated = train.itemCounts();
  for (let i = 0; i < train.nItems; i++) {
    if (rated[i] === 0) continue;
    for (const name of moviePeople(movies?.[i])) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const names = [...counts.entries()]
    .filter(([, c]) => c >= minCount)
    .map(([name]) => name)
    .sort();
  return peopleSpaceOf(names);
}

export function peopleSpaceOf(names: string[]): PeopleSpace {
  return { names, index: new Map(names.map((n, k) => [n, k + 1])) };
}

/** Embedding rows of the movie's people into `out` (PEOPLE_SLOTS): 0 = unknown, −1 = empty slot. */
export function encodePeople(space: PeopleSpace, movie: Movie | undefined, out: Int32Array): void {
  out.fill(-1);
  const people = moviePeople(movie);
  for (let s = 0; s < people.length; s++) out[s] = space.index.get(people[s]) ?? 0;
}

/** Adds the optional inputs' rows of every catalog item to `features` (in place). */
export function addContentFeatures(
  features: ItemFeatures,
  nItems: number,
  movies: readonly Movie[] | undefined,
  text: TextSpace | undefined,
  people: PeopleSpace | undefined,
): void {
  if (text !== undefined) {
    const w = text.width;
    features.textWidth = w;
    features.text = new Float32Array(nItems * w);
    for (let i = 0; i < nItems; i++)
      encodeText(text, movies?.[i], features.text.subarray(i * w, (i + 1) * w));
  }
  if (people !== undefined) {
    features.people = new Int32Array(nItems * PEOPLE_SLOTS);
    for (let i = 0; i < nItems; i++)
      encodePeople(people, movies?.[i], features.people.subarray(i * PEOPLE_SLOTS, (i + 1) * PEOPLE_SLOTS));
  }
}
