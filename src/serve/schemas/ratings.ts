import { Type } from 'typebox';
import { Movie, MovieId, UserId } from './common.js';

export const Rating = Type.Number({
  minimum: 0.5,
  maximum: 5,
  multipleOf: 0.5,
  description: '0.5 to 5 stars in half steps',
});

export const RatingBody = Type.Object(
  { userId: UserId, movieId: MovieId, rating: Rating },
  { additionalProperties: false },
);

export const RatingAnswer = Type.Object(
  {
    userId: UserId,
    movieId: MovieId,
    rating: Rating,
    timestamp: Type.Integer({ description: 'Unix seconds' }),
    created: Type.Boolean({ description: 'false when the user had rated the movie before' }),
  },
  { additionalProperties: false },
);

export const RatingParams = Type.Object(
  { userId: UserId, movieId: MovieId },
  { additionalProperties: false },
);

export const UserRatings = Type.Object(
  {
    userId: UserId,
    ratings: Type.Array(
      Type.Object(
        { movie: Movie, rating: Rating, timestamp: Type.Integer() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const DeletedUser = Type.Object(
  { userId: UserId, deletedRatings: Type.Integer() },
  { additionalProperties: false },
);
