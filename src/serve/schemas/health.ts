import { Type } from 'typebox';

export const Live = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });

export const Ready = Type.Object(
  {
    ready: Type.Boolean(),
    store: Type.Boolean({ description: 'the store answered a ping' }),
    models: Type.Record(Type.String(), Type.Integer(), { description: 'promoted run id per algorithm' }),
    missing: Type.Array(Type.String(), { description: 'roles without a promoted model' }),
    message: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
