import type { Movie } from '../data/dataset.js';
import { displayTitle } from '../data/titles.js';

/** How much one occurrence of a word counts, by the field it is in. */
export interface FieldWeights {
  title: number;
  genres: number;
  overview: number;
  tagline: number;
  keywords: number;
  tags: number;
  people: number;
}

/**
 * Keywords and user tags are chosen words, each worth more than one word of running prose; genres
 * are coarse and shared by thousands of films, so they count but do not dominate; titles count as
 * half of prose: a title query goes to the title matcher, and a prompt that shares a word with a
 * title ("beach", "giant") rarely means that film.
 */
export const DEFAULT_FIELD_WEIGHTS: FieldWeights = {
  title: 0.5,
  genres: 1,
  overview: 1,
  tagline: 1,
  keywords: 2,
  tags: 2,
  people: 1.5,
};

/** One field of a document: its text and weight. */
export interface DocumentField {
  field: keyof FieldWeights;
  text: string;
  weight: number;
}

/** Genre names as people write them ("Sci-Fi" → "science fiction"). */
const GENRE_WORDS: Record<string, string> = {
  'Sci-Fi': 'sci-fi science fiction',
  'Film-Noir': 'film noir',
  Children: 'children kids family',
  Animation: 'animation animated',
  IMAX: '',
};

/**
 * A movie's searchable text, field by field. Every field but the title may be missing: a movie with
 * only a title and genres still gets a (short) document, so coverage degrades per movie, not per
 * catalog.
 */
export function movieDocument(movie: Movie, weights: FieldWeights = DEFAULT_FIELD_WEIGHTS): DocumentField[] {
  const fields: DocumentField[] = [];
  const add = (field: keyof FieldWeights, text: string | undefined) => {
    if (text !== undefined && text.trim().length > 0 && weights[field] > 0) {
      fields.push({ field, text, weight: weights[field] });
    }
  };
  add('title', displayTitle(movie.title));
  add('genres', movie.genres.map((g) => GENRE_WORDS[g] ?? g).join(' '));
  add('overview', movie.overview);
  add('tagline', movie.tagline);
  add('keywords', movie.keywords?.join(' . '));
  add('tags', movie.tags?.join(' . '));
  const { cast, director } = movie as Movie & { cast?: string[]; director?: string };
  const people = [...(cast ?? []), ...(director === undefined ? [] : [director])];
  add('people', people.join(' . '));
  return fields;
}

/** The document as one text, fields in order: what a transformer reads (it weighs words itself). */
export function documentText(movie: Movie): string {
  return movieDocument(movie)
    .map((field) => field.text)
    .join('. ');
}
