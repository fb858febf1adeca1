import { Type } from 'typebox';
import { Count, filterFields, ModelName, Movie, MovieId, MovieIdList, Nullable, UserId } from './common.js';

export const UserParams = Type.Object({ userId: UserId }, { additionalProperties: false });

export const RecommendQuery = Type.Object(
  { n: Type.Optional(Count(100, 10)), model: Type.Optional(ModelName), ...filterFields },
  { additionalProperties: false },
);

const answerFields = {
  model: Type.String({ description: 'the ranking model asked for' }),
  modelRunId: Type.Integer(),
  source: Type.String({ description: "the first source that served a movie ('none' when empty)" }),
  sources: Type.Array(Type.String()),
  coldStart: Type.Boolean({ description: 'the user has fewer ratings than personalisation needs' }),
  items: Type.Array(Movie),
};

export const Recommendations = Type.Object(
  { userId: UserId, ...answerFields },
  { additionalProperties: false },
);

export const UserMatch = Type.Object(
  {
    userId: UserId,
    matchCount: Type.Integer({ description: 'how many of the movies the user rated' }),
    meanRating: Type.Number({ description: 'their mean rating of those movies' }),
  },
  { additionalProperties: false },
);

export const SelectionBody = Type.Object(
  {
    movieIds: MovieIdList,
    n: Type.Optional(Count(100, 10)),
    method: Type.Optional(
      Type.Union([Type.Literal('fold-in'), Type.Literal('proxy-user')], {
        default: 'fold-in',
        description: 'fold the list in as a new user, or use the existing user who rated most of it',
      }),
    ),
    model: Type.Optional(ModelName),
    ...filterFields,
  },
  { additionalProperties: false },
);

export const SelectionAnswer = Type.Object(
  { ...answerFields, method: Type.String(), proxy: Nullable(UserMatch) },
  { additionalProperties: false },
);

export const ScoreBody = Type.Object(
  {
    userId: UserId,
    movieIds: Type.Array(MovieId, { minItems: 1, maxItems: 100, description: '1 to 100 movie ids' }),
  },
  { additionalProperties: false },
);

export const ScoreAnswer = Type.Object(
  {
    userId: UserId,
    models: Type.Object({ ranking: Type.String(), rating: Type.String() }, { additionalProperties: false }),
    items: Type.Array(Movie),
  },
  { additionalProperties: false },
);

export const MatchBody = Type.Object({ movieIds: MovieIdList }, { additionalProperties: false });
export const MatchAnswer = Type.Object({ match: Nullable(UserMatch) }, { additionalProperties: false });

export const PredictionBody = Type.Object(
  {
    userId: UserId,
    movieId: Type.Optional(MovieId),
    movie: Type.Optional(
      Type.Object(
        {
          title: Type.Optional(Type.String({ maxLength: 300 })),
          year: Type.Optional(Type.Integer({ minimum: 1800, maximum: 2200 })),
          overview: Type.Optional(Type.String({ maxLength: 5000 })),
          genres: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
          keywords: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
          voteAverage: Type.Optional(
            Type.Number({ minimum: 0, maximum: 10, description: 'TMDB vote average' }),
          ),
          voteCount: Type.Optional(Type.Integer({ minimum: 0, description: 'TMDB vote count' })),
          popularity: Type.Optional(Type.Number({ minimum: 0, description: 'TMDB popularity' })),
          runtime: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'minutes' })),
        },
        {
          additionalProperties: false,
          description:
            "a movie not in the catalog, by its content: predicted by the neural model's content path when it is served, else from the nearest catalog films the user rated",
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ContentPredictionAnswer = Type.Object(
  {
    userId: UserId,
    predictedRating: Type.Number({ minimum: 0.5, maximum: 5 }),
    model: Type.String({
      description: 'the model that predicted: neural when served, else the content model',
    }),
    modelRunId: Type.Integer(),
    nearest: Type.Array(Movie, { description: 'the catalog films nearest in content' }),
  },
  { additionalProperties: false },
);

export const PredictionAnswer = Type.Object(
  {
    userId: UserId,
    movieId: MovieId,
    predictedRating: Type.Number({ minimum: 0.5, maximum: 5 }),
    model: Type.String({ description: 'the model that made the prediction' }),
    modelRunId: Type.Integer(),
    movie: Movie,
  },
  { additionalProperties: false },
);
