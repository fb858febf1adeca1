import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Two Ajv instances: URL parts (path, query) coerce "10" to 10 as they must; bodies do not, so
 * `{"rating": "5"}` is a wrong type, not a 5. Neither removes unknown fields: with
 * `additionalProperties: false` in every schema, an unknown field is a 400 naming it.
 */
const common = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false } as const;
const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
const urlAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));

type Validate = ReturnType<FastifySchemaCompiler<unknown>> & { errors?: ErrorObject[] | null };

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if (httpPart === 'body') return bodyAjv.compile(schema as object) as Validate;
  return decimalOnly(schema as UrlSchema, urlAjv.compile(schema as object) as Validate);
};

interface UrlSchema {
  properties?: Record<string, { type?: unknown }>;
}

const DECIMAL: Record<string, RegExp> = { integer: /^-?\d+$/, number: /^-?\d+(\.\d+)?$/ };

/**
 * Ajv coerces a URL's numbers with JavaScript's Number(), which also reads "0x10", "1e3", " 1"
 * and "+1": a path /movies/0x10 would name movie 16. Numbers in a URL are written in decimal;
 * anything else is refused, with the message Ajv gives for "abc".
 */
function decimalOnly(schema: UrlSchema, validate: Validate): Validate {
  const numeric = Object.entries(schema.properties ?? {}).filter(
    ([, field]) => field.type === 'integer' || field.type === 'number',
  );
  if (numeric.length === 0) return validate;
  const checked = ((data: unknown) => {
    for (const [name, field] of numeric) {
      const raw = (data as Record<string, unknown> | null)?.[name];
      const type = field.type as string;
      if (typeof raw === 'string' && !DECIMAL[type].test(raw)) {
        checked.errors = [
          {
            keyword: 'type',
            instancePath: `/${name}`,
            schemaPath: `#/properties/${name}/type`,
            params: { type },
            message: `must be ${type}`,
          },
        ];
        return false;
      }
    }
    const ok = validate(data);
    checked.errors = validate.errors;
    return ok;
  }) as Validate;
  return checked;
}

export interface Issue {
  /** Dotted path of the field ("movieIds", "movie.title", "movieIds.3"), '' for the whole part. */
  field: string;
  message: string;
}

/** One Ajv error as a field and a sentence. */
function describeIssue(error: ErrorObject): Issue {
  const path = error.instancePath.split('/').filter(Boolean).join('.');
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    const field = [path, params.additionalProperty].filter(Boolean).join('.');
    return { field, message: `unknown field '${field}'` };
  }
  if (error.keyword === 'required') {
    const field = [path, params.missingProperty].filter(Boolean).join('.');
    return { field, message: `'${field}' is required` };
  }
  if (error.keyword === 'multipleOf') {
    return { field: path, message: `'${path}' must be a multiple of ${params.multipleOf}` };
  }
  return { field: path, message: path ? `'${path}' ${error.message}` : (error.message ?? 'is invalid') };
}

/**
 * Ajv's errors as issues. A value that matches none of a union of constants ('by' = 'ratings' |
 * 'content' | 'hybrid') fails once per constant and once more for the union: that is one issue,
 * naming the values it may take.
 */
export function describeIssues(errors: readonly ErrorObject[]): Issue[] {
  const issues: Issue[] = [];
  const choices = new Map<string, unknown[]>();
  for (const error of errors) {
    if (error.keyword === 'const' || (error.keyword === 'anyOf' && choices.has(error.instancePath))) {
      const allowed = choices.get(error.instancePath) ?? [];
      if (error.keyword === 'const') allowed.push((error.params as { allowedValue: unknown }).allowedValue);
      choices.set(error.instancePath, allowed);
      continue;
    }
    issues.push(describeIssue(error));
  }
  for (const [instancePath, allowed] of choices) {
    const field = instancePath.split('/').filter(Boolean).join('.');
    const values = allowed.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
    issues.unshift({ field, message: `'${field}' must be one of ${values}` });
  }
  return issues;
}

/** Fastify's `schemaErrorFormatter`: "body: 'rating' must be <= 5". */
export function schemaErrorFormatter(errors: ErrorObject[], part: string): Error {
  const [issue] = describeIssues(errors);
  return new Error(`${part}: ${issue?.message ?? 'is invalid'}`);
}
