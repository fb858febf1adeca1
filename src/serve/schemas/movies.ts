import { Type } from 'typebox';
import { Count, Genre, Movie, MovieId, Year } from './common.js';

export const MovieParams = Type.Object({ movieId: MovieId }, { additionalProperties: false });

export const MovieSearchQuery = Type.Object(
  {
    query: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'part of the title, any case' }),
    ),
    genre: Type.Optional(Genre),
    year: Type.Optional(Year),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
    pageSize: Type.Optional(Count(100, 20)),
  },
  { additionalProperties: false },
);

export const MoviePage = Type.Object(
  { movies: Type.Array(Movie), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { additionalProperties: false },
);

export const SimilarQuery = Type.Object(
  {
    n: Type.Optional(Count(100, 10)),
    by: Type.Optional(
      Type.Literal('ratings', {
        default: 'ratings',
        description: 'co-ratings (content similarity comes with the text issue)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const SimilarAnswer = Type.Object(
  {
    movieId: MovieId,
    by: Type.String(),
    model: Type.String(),
    modelRunId: Type.Integer(),
    items: Type.Array(Movie),
  },
  { additionalProperties: false },
);
