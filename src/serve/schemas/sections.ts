import { Type } from 'typebox';
import { Count, filterFields, Genre, Movie, Nullable, UserId } from './common.js';

export const SectionsQuery = Type.Object(
  { n: Type.Optional(Count(100, 10)), ...filterFields },
  { additionalProperties: false },
);

export const SectionId = Type.Union(
  [
    Type.Literal('for-you'),
    Type.Literal('because-you-liked'),
    Type.Literal('trending'),
    Type.Literal('hidden-gems'),
    Type.Literal('top-in-genres'),
  ],
  { description: 'the row, always in this order' },
);

export const SectionMovie = Type.Object(
  {
    ...Movie.properties,
    reason: Type.String({ description: 'why this movie is in this row, in one line' }),
  },
  { additionalProperties: false },
);

export const Section = Type.Object(
  {
    id: SectionId,
    title: Type.String({ description: "e.g. 'Because you liked Toy Story (1995)'" }),
    reason: Type.String({ description: 'what the row is, in one line' }),
    model: Type.String({ description: "the served model(s) the row read ('none' when none was)" }),
    note: Nullable(Type.String({ description: 'why the row has fewer than n movies' })),
    items: Type.Array(SectionMovie),
    basedOn: Type.Optional(Nullable(Movie)),
    genres: Type.Optional(Type.Array(Genre, { description: "the user's genres (empty: overall)" })),
  },
  { additionalProperties: false },
);

export const SectionsAnswer = Type.Object(
  {
    userId: UserId,
    coldStart: Type.Boolean({ description: 'fewer ratings than personalisation needs' }),
    ratingCount: Type.Integer({ minimum: 0 }),
    sections: Type.Array(Section),
  },
  { additionalProperties: false },
);
