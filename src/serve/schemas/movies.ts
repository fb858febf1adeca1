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
      Type.Union([Type.Literal('ratings'), Type.Literal('content'), Type.Literal('hybrid')], {
        default: 'ratings',
        description:
          "'ratings': co-ratings (item-item); 'content': the content model's text vectors; 'hybrid': 0.5 × ratings + 0.5 × content, each list scaled by its best score",
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
