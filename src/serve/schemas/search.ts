import { Type } from 'typebox';
import { Count, Movie } from './common.js';

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 16_384,
      description: 'a title (typos, articles and year optional) or a description of the films wanted',
    }),
    n: Type.Optional(Count(100, 10)),
  },
  { additionalProperties: false },
);

const ScoredMovie = Type.Object(
  {
    ...Movie.properties,
    parts: Type.Object(
      {
        lexical: Type.Number({ description: 'BM25 rank, fused: weight / (k + rank)' }),
        dense: Type.Number({ description: 'dense-encoder rank, fused the same way' }),
        popularity: Type.Number({ description: 'the popularity prior' }),
      },
      { additionalProperties: false, description: 'the parts the score is the sum of' },
    ),
    bm25: Type.Union([Type.Number(), Type.Null()], { description: 'raw BM25 score (null: no query word)' }),
    cosine: Type.Union([Type.Number(), Type.Null()], {
      description: "cosine to the query times the film's evidence weight (short documents count less)",
    }),
  },
  { additionalProperties: false },
);

export const SearchAnswer = Type.Union([
  Type.Object(
    {
      mode: Type.Literal('title'),
      query: Type.String(),
      reason: Type.String({ description: 'why the query was read as a title' }),
      movie: Movie,
      similar: Type.Array(Movie, { description: 'more like this, by co-ratings' }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      mode: Type.Literal('semantic'),
      query: Type.String(),
      reason: Type.String({ description: 'why the query was read as a description' }),
      terms: Type.Array(Type.String(), { description: 'the query words as the index reads them' }),
      results: Type.Array(ScoredMovie),
    },
    { additionalProperties: false },
  ),
]);
