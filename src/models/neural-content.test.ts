import { describe, expect, it } from 'vitest';
import type { Movie } from '../data/dataset.js';
import { Interactions } from '../data/interactions.js';
import { encodePeople, encodeText, fitPeopleSpace, fitTextSpace, moviePeople } from './neural-content.js';

const movie = (over: Partial<Movie>): Movie => ({ movieId: 1, title: 't', year: null, genres: [], ...over });

describe('neural content inputs', () => {
  it('takes the director then the first three distinct billed cast, skipping blanks', () => {
    expect(moviePeople(movie({ director: 'D', cast: ['A', '', 'B', 'A', 'C', 'E'] }))).toEqual([
      'D',
      'A',
      'B',
      'C',
    ]);
    expect(moviePeople(movie({ cast: ['A', 'B', 'C', 'E', 'F'] }))).toEqual(['A', 'B', 'C', 'E']);
    expect(moviePeople(movie({}))).toEqual([]);
    expect(moviePeople(undefined)).toEqual([]);
  });

  it('keeps people on at least minCount rated films; others and strangers map to row 0', () => {
    // Items 0–2 rated, item 3 not: "Rare" is on one rated film, "Ghost" only on the unrated one.
    const train = new Interactions(
      1,
      4,
      Int32Array.from([0, 0, 0]),
      Int32Array.from([0, 1, 2]),
      Float32Array.from([4, 3, 5]),
      new Float64Array(3),
    );
    const movies = [
      movie({ director: 'Ann', cast: ['Bo'] }),
      movie({ director: 'Ann', cast: ['Bo', 'Rare'] }),
      movie({ director: 'Cy', cast: ['Bo'] }),
      movie({ director: 'Ghost', cast: ['Ghost2'] }),
    ];
    const space = fitPeopleSpace(train, movies, 2);
    expect(space.names).toEqual(['Ann', 'Bo']);
    const out = new Int32Array(4);
    encodePeople(space, movies[1], out);
    expect(Array.from(out)).toEqual([1, 2, 0, -1]);
    encodePeople(space, movies[3], out);
    expect(Array.from(out)).toEqual([0, 0, -1, -1]);
    encodePeople(space, movie({}), out);
    expect(Array.from(out)).toEqual([-1, -1, -1, -1]);
  });

  it('encodes text onto the fitted LSA directions: same words same vector, no known word zeros', () => {
    const movies = [
      movie({ overview: 'shark ocean beach' }),
      movie({ overview: 'shark ocean boat' }),
      movie({ overview: 'cowboy desert saloon' }),
      movie({ overview: 'cowboy desert horse' }),
    ];
    const space = fitTextSpace(movies, 5, 3, 42); // item 4 has no movie
    const v = (m: Movie | undefined) => {
      const out = new Float32Array(3);
      encodeText(space, m, out);
      return out;
    };
    const norm = (x: Float32Array) => Math.hypot(...x);
    const cos = (a: Float32Array, b: Float32Array) =>
      a.reduce((s, x, k) => s + x * b[k], 0) / norm(a) / norm(b);
    // Unit length × √width over the LSA part.
    expect(norm(v(movies[0]))).toBeCloseTo(Math.sqrt(3), 4);
    expect(Array.from(v(movie({ overview: 'shark ocean beach' })))).toEqual(Array.from(v(movies[0])));
    expect(cos(v(movie({ overview: 'shark' })), v(movies[1]))).toBeGreaterThan(0.9);
    expect(Math.abs(cos(v(movie({ overview: 'shark' })), v(movies[2])))).toBeLessThan(0.1);
    expect(Array.from(v(movie({ overview: 'zebra' })))).toEqual([0, 0, 0]);
    expect(Array.from(v(undefined))).toEqual([0, 0, 0]);
  });
});
