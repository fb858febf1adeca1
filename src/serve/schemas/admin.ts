import { Type } from 'typebox';
import { Genre, Movie, MovieId, Nullable, Year } from './common.js';

const editable = {
  title: Type.String({ minLength: 1, maxLength: 300 }),
  year: Nullable(Year),
  genres: Type.Array(Genre, { maxItems: 20 }),
  tmdbId: Nullable(Type.Integer({ minimum: 1 })),
  imdbId: Nullable(Type.String({ pattern: '^[0-9]{1,10}$' })),
  overview: Nullable(Type.String({ maxLength: 10_000 })),
  tagline: Nullable(Type.String({ maxLength: 1000 })),
  keywords: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 }),
  runtime: Nullable(Type.Integer({ minimum: 1, maximum: 2000 })),
  releaseDate: Nullable(Type.String({ format: 'date' })),
};

/** Every editable field but the title, optional in both the create and the patch body. */
const optionalFields = {
  year: Type.Optional(editable.year),
  genres: Type.Optional(editable.genres),
  tmdbId: Type.Optional(editable.tmdbId),
  imdbId: Type.Optional(editable.imdbId),
  overview: Type.Optional(editable.overview),
  tagline: Type.Optional(editable.tagline),
  keywords: Type.Optional(editable.keywords),
  runtime: Type.Optional(editable.runtime),
  releaseDate: Type.Optional(editable.releaseDate),
};

export const NewMovie = Type.Object(
  { movieId: MovieId, title: editable.title, ...optionalFields },
  { additionalProperties: false },
);

export const MoviePatch = Type.Object(
  { title: Type.Optional(editable.title), ...optionalFields },
  { additionalProperties: false, minProperties: 1 },
);

export const ModelRun = Type.Object(
  {
    id: Type.Integer(),
    algorithm: Type.String(),
    params: Type.Object({}, { additionalProperties: true }),
    datasetFingerprint: Type.String(),
    metrics: Type.Record(Type.String(), Type.Number()),
    artifactPath: Nullable(Type.String()),
    artifactSha256: Nullable(Type.String()),
    status: Type.String({ description: 'training, trained, failed, promoted or retired' }),
    createdAt: Type.String(),
    promotedAt: Nullable(Type.String()),
    error: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const RunParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) },
  { additionalProperties: false },
);
export const AlgorithmParams = Type.Object(
  { algorithm: Type.String({ pattern: '^[a-z0-9-]+$', maxLength: 40 }) },
  { additionalProperties: false },
);

export const BatchAnswer = Type.Object(
  {
    userId: Type.Integer(),
    modelRunId: Type.Integer(),
    createdAt: Type.String(),
    items: Type.Array(Movie),
  },
  { additionalProperties: false },
);
