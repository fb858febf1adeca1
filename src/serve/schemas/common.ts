import { type TSchema, Type } from 'typebox';

/** `T | null`, as every optional catalog field is. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const INT32 = 2_147_483_647;

export const UserId = Type.Integer({ minimum: 1, maximum: INT32, description: 'MovieLens user id' });
export const MovieId = Type.Integer({ minimum: 1, maximum: INT32, description: 'MovieLens movie id' });
export const Count = (max: number, fallback: number) =>
  Type.Integer({ minimum: 1, maximum: max, default: fallback, description: `how many (1–${max})` });
export const Year = Type.Integer({ minimum: 1800, maximum: 2200 });
export const Genre = Type.String({ minLength: 1, maxLength: 40, description: 'a MovieLens genre, any case' });
export const ModelName = Type.String({
  minLength: 1,
  maxLength: 40,
  pattern: '^[a-z0-9-]+$',
  description: 'a promoted algorithm (als, svd, itemknn, popularity, …)',
});
/** 1–20 movies someone likes. */
export const MovieIdList = Type.Array(MovieId, {
  minItems: 1,
  maxItems: 20,
  description: '1 to 20 movie ids',
});

/** The one error shape of every 4xx and 5xx answer. */
export const ErrorReply = Type.Object(
  {
    error: Type.String({ description: 'bad_request, not_found, conflict, not_ready, …' }),
    message: Type.String({ description: 'one sentence naming the field or id at fault' }),
    details: Type.Object({}, { additionalProperties: true }),
  },
  { description: 'error' },
);

/** Error replies every route can give. */
export const errorReplies = {
  400: ErrorReply,
  404: ErrorReply,
  500: ErrorReply,
  503: ErrorReply,
};

/** Error replies of a route that reads a body (an oversized body is a 400 naming `body`). */
export const bodyErrorReplies = errorReplies;

export const Movie = Type.Object(
  {
    movieId: MovieId,
    title: Type.String(),
    year: Nullable(Type.Integer()),
    genres: Type.Array(Type.String()),
    tmdbId: Nullable(Type.Integer()),
    imdbId: Nullable(Type.String()),
    ratingCount: Type.Optional(Type.Integer({ description: 'ratings the popularity model was trained on' })),
    ratingMean: Type.Optional(Nullable(Type.Number())),
    score: Type.Optional(Nullable(Type.Number({ description: "the serving model's score" }))),
    predictedRating: Type.Optional(Nullable(Type.Number({ minimum: 0.5, maximum: 5 }))),
    source: Type.Optional(Type.String({ description: 'the hybrid source or model that served it' })),
  },
  { additionalProperties: false },
);

/** Optional genre and year filters, shared by recommendation routes. */
export const filterFields = {
  genre: Type.Optional(Genre),
  yearFrom: Type.Optional(Year),
  yearTo: Type.Optional(Year),
};
