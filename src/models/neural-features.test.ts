import { describe, expect, it } from 'vitest';
import type { Movie } from '../data/dataset.js';
import { Interactions } from '../data/interactions.js';
import {
  encodeMovie,
  fitFeatureSpace,
  itemFeatures,
  MAX_Z,
  NUMERIC_WIDTH,
  rawNumeric,
} from './neural-features.js';

const movie = (over: Partial<Movie>): Movie => ({ movieId: 1, title: 't', year: null, genres: [], ...over });

describe('neural features', () => {
  it('reads the raw numbers, treating a vote average without votes and out-of-range values as missing', () => {
    const out = new Float64Array(5);
    rawNumeric(
      movie({ voteAverage: 7, voteCount: 99, popularity: Math.E - 1, year: 1999, runtime: 120 }),
      out,
    );
    expect(Array.from(out)).toEqual([7, Math.log(100), 1, 1999, 120]);
    rawNumeric(movie({ voteAverage: 7, voteCount: 0, runtime: 0, year: 3 }), out);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
  });

  it('standardises over rated items only and flags missing values', () => {
    // Items 0 and 1 are rated (years 1990 and 2000: mean 1995, sd 5); item 2 is not (year 2050).
    const train = new Interactions(
      1,
      3,
      Int32Array.from([0, 0]),
      Int32Array.from([0, 1]),
      Float32Array.from([4, 3]),
      new Float64Array(2),
    );
    const movies = [
      movie({ year: 1990, genres: ['Drama'] }),
      movie({ year: 2000, genres: ['Comedy', '(no genres listed)'] }),
      movie({ year: 2050, genres: ['Horror'] }),
    ];
    const space = fitFeatureSpace(train, movies, undefined);
    expect(space.genres).toEqual(['Comedy', 'Drama', 'Horror']);
    expect(space.mean[3]).toBe(1995);
    expect(space.std[3]).toBe(5);
    const f = itemFeatures(space, 3, movies, undefined);
    expect(Array.from(f.genres)).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 1]);
    const row2 = Array.from(f.numeric.subarray(2 * NUMERIC_WIDTH, 3 * NUMERIC_WIDTH));
    // Year (2050 − 1995) / 5 = 11 deviations, held to MAX_Z; every other feature missing: value 0, flag 1.
    expect(row2).toEqual([0, 0, 0, MAX_Z, 0, 1, 1, 1, 0, 1]);
    const genres = new Float32Array(3);
    const numeric = new Float32Array(NUMERIC_WIDTH);
    encodeMovie(space, ['Western', 'Drama'], undefined, genres, numeric);
    expect(Array.from(genres)).toEqual([0, 1, 0]); // an unknown genre is ignored
    expect(Array.from(numeric)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // No rated film had a runtime, so the net never learned its scale: a given runtime is missing.
    expect(space.std[4]).toBeNaN();
    encodeMovie(space, [], movie({ year: 1997, runtime: 110 }), genres, numeric);
    expect(Array.from(numeric)).toEqual([0, 0, 0, 0.4000000059604645, 0, 1, 1, 1, 0, 1]);
  });
});
