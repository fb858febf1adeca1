// The seeded generator behind the near-valid property tests: a mulberry32 Rng, the request and
// route model (fields, mutations, the status each calls for), every mutation of a route applied to
// a valid request, and the request as Fastify's inject takes it.
import type { InjectOptions } from 'fastify';

export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** mulberry32: [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p = 0.5): boolean {
    return this.next() < p;
  }
  /** `k` distinct items. */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = [...items];
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, k);
  }
}

export function hash(text: string): number {
  let h = 2_166_136_261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16_777_619);
  return h >>> 0;
}

/** A value made per request (ids from the catalog, lists of a given length). */
export class Gen {
  constructor(
    readonly make: (r: Rng) => unknown,
    readonly label: string,
  ) {}
}
export const gen = (label: string, make: (r: Rng) => unknown) => new Gen(make, label);
export const value = (v: unknown, r: Rng) => (v instanceof Gen ? v.make(r) : v);

/** A path segment sent as is, not percent-encoded (a malformed escape). */
export class RawSegment {
  constructor(readonly text: string) {}
}

// ---- requests, mutations, expectations --------------------------------------------------------

export type Part = 'params' | 'query' | 'body';

export interface Req {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  /** A JSON body; `undefined` sends none. */
  body?: unknown;
  /** A body sent verbatim as application/json (malformed JSON). */
  raw?: string;
}

export interface Want {
  status: number[];
  /** What the error message must name: the field, the id, or 'body'. */
  names?: string;
}

export const bad = (names: string): Want => ({ status: [400], names });
export const unknown = (id: number | string): Want => ({ status: [404], names: String(id) });

export interface Mutation {
  label: string;
  apply(req: Req, r: Rng): void;
  /** Undefined: the route's success (refined by its cross-field rules). */
  want?: Want;
}

export interface Field {
  /** 'rating', or 'movie.title' inside a body object. */
  path: string;
  part: Part;
  type: 'int' | 'number' | 'string' | 'array' | 'object';
  required?: boolean;
  nullable?: boolean;
  /** What leaving it out answers when it is neither a 400 (required) nor the success. */
  dropped?: Want;
  /** Values refused with 400 naming the field. */
  bad?: unknown[];
  /** Valid boundary values: the route's success. */
  edge?: unknown[];
  /** Values with their own answer (an unknown id: 404 naming it). */
  special?: [unknown, Want][];
}

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** As OpenAPI spells it: '/users/{userId}/ratings'. */
  path: string;
  label?: string;
  /** Whether a 2xx may change the store (refused requests never may). */
  writes: boolean;
  success: number[];
  /** A 5xx the route documents as its answer (501: not implemented yet). */
  documented5xx?: number;
  fields: Field[];
  query?: boolean;
  body?: boolean;
  base(r: Rng): Req | Promise<Req>;
  /** Cross-field rules for a request every field of which is valid. */
  refine?(req: Req): Want | undefined | Promise<Want | undefined>;
  extra?: Mutation[];
}

export const LONG = 'x'.repeat(5000);
export const UNICODE = 'Amélie 東京 🎬';

/** Wrong types for a field, as JSON or in a URL. */
export function retypes(field: Field): unknown[] {
  if (field.part !== 'body') {
    if (field.type === 'string') return field.part === 'query' ? [['a', 'b']] : [];
    const url: unknown[] = [
      'abc',
      'true',
      'null',
      '[1]',
      '{}',
      'NaN',
      '7abc',
      'é',
      '١٢',
      LONG,
      '9'.repeat(400),
    ];
    if (field.part === 'query') url.push(['1', '2']);
    return url;
  }
  const all: Record<Field['type'], unknown[]> = {
    int: ['7', 7.5, true, false, null, [7], { value: 7 }, 'NaN', ''],
    number: ['4', '4.5', 'NaN', 'Infinity', true, null, [4], { value: 4 }, ''],
    string: [7, 0, true, null, ['x'], { text: 'x' }],
    array: ['1,2', 7, { 0: 1 }, null, true, ''],
    object: ['x', 7, [], null, true],
  };
  return all[field.type].filter((v) => !(field.nullable && v === null));
}

export function root(req: Req, part: Part): Record<string, unknown> {
  if (part === 'body') {
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) req.body = {};
    return req.body as Record<string, unknown>;
  }
  return req[part];
}

export function setPath(req: Req, part: Part, path: string, v: unknown): void {
  const keys = path.split('.');
  let obj = root(req, part);
  for (const key of keys.slice(0, -1)) {
    const next = obj[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) obj[key] = {};
    obj = obj[key] as Record<string, unknown>;
  }
  obj[keys[keys.length - 1]] = v;
}

export function deletePath(req: Req, part: Part, path: string): void {
  const keys = path.split('.');
  let obj: unknown = root(req, part);
  for (const key of keys.slice(0, -1)) obj = (obj as Record<string, unknown> | undefined)?.[key];
  if (typeof obj === 'object' && obj !== null) delete (obj as Record<string, unknown>)[keys[keys.length - 1]];
}

export function show(v: unknown): string {
  if (v instanceof Gen) return v.label;
  if (v instanceof RawSegment) return `raw ${v.text}`;
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}…(${text.length})` : text;
}

/** Every mutation of a route, each applied to a fresh valid request. */
export function mutations(spec: RouteSpec): Mutation[] {
  const out: Mutation[] = [{ label: 'valid', apply: () => {} }];
  const setTo = (field: Field, v: unknown) => (req: Req, r: Rng) =>
    setPath(req, field.part, field.path, value(v, r));
  for (const field of spec.fields) {
    const name = field.path;
    // Without its last path segment the URL is another route's ('/movies/{movieId}' → '/movies').
    const terminal = field.part === 'params' && spec.path.endsWith(`{${name}}`);
    if (!terminal)
      out.push({
        label: `drop ${name}`,
        apply: (req) => {
          if (field.part === 'params') req.params[name] = '';
          else deletePath(req, field.part, name);
        },
        want: field.dropped ?? (field.required ? bad(name) : undefined),
      });
    for (const v of retypes(field))
      out.push({ label: `${name} = ${show(v)}`, apply: setTo(field, v), want: bad(name) });
    for (const v of field.bad ?? [])
      out.push({ label: `${name} = ${show(v)}`, apply: setTo(field, v), want: bad(name) });
    for (const v of field.edge ?? [])
      out.push({ label: `${name} = ${show(v)} (edge)`, apply: setTo(field, v) });
    if (field.nullable) out.push({ label: `${name} = null (nullable)`, apply: setTo(field, null) });
    for (const [v, want] of field.special ?? [])
      out.push({ label: `${name} = ${show(v)}`, apply: setTo(field, v), want });
    if (field.part === 'query' && field.type !== 'string') {
      out.push({
        label: `${name}[a]=1`,
        apply: (req) => {
          delete req.query[name];
          req.query[`${name}[a]`] = '1';
        },
        want: bad(name),
      });
    }
  }
  if (spec.query) {
    for (const key of ['zzz', 'N', 'user_id', 'limit'])
      out.push({ label: `query + ${key}`, apply: (req) => (req.query[key] = '5'), want: bad(key) });
  }
  if (spec.body) {
    const first = spec.fields.find((f) => f.part === 'body')?.path ?? 'x';
    const variant = first[0].toUpperCase() + first.slice(1);
    for (const key of ['zzz', variant, 'constructor', 'movie_id', 'id'])
      out.push({
        label: `body + ${key}`,
        apply: (req) => (root(req, 'body')[key] = 1),
        want: bad(key),
      });
    const body = (req: Req) => JSON.stringify(req.body);
    const whole: [string, (req: Req) => void][] = [
      ['truncated JSON', (req) => (req.raw = body(req).slice(0, -3))],
      ['trailing comma', (req) => (req.raw = `${body(req).slice(0, -1)},}`)],
      ['single quotes', (req) => (req.raw = body(req).replaceAll('"', "'"))],
      ['NaN literal', (req) => (req.raw = `{"zzz": NaN, ${body(req).slice(1)}`)],
      ['empty JSON body', (req) => (req.raw = '')],
      ['__proto__ key', (req) => (req.raw = `{"__proto__": {"x": 1}, ${body(req).slice(1)}`)],
      ['no body', (req) => (req.body = undefined)],
      ['body null', (req) => (req.body = null)],
      ['body array', (req) => (req.body = [req.body])],
      ['body string', (req) => (req.body = 'x')],
      ['body number', (req) => (req.body = 7)],
      ['body true', (req) => (req.body = true)],
    ];
    for (const [label, apply] of whole) out.push({ label, apply, want: bad('body') });
    out.push({
      label: 'oversized body',
      apply: (req) => (root(req, 'body').padding = 'x'.repeat(70_000)),
      want: { status: [400], names: 'body' },
    });
  }
  out.push(...(spec.extra ?? []));
  return out;
}

export function toInject(spec: RouteSpec, req: Req): InjectOptions {
  let url = spec.path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const v = req.params[key];
    return v instanceof RawSegment ? v.text : encodeURIComponent(String(v ?? ''));
  });
  const query = new URLSearchParams();
  for (const [key, v] of Object.entries(req.query))
    for (const item of Array.isArray(v) ? v : [v]) query.append(key, String(item));
  if (query.size > 0) url += `?${query}`;
  const options: InjectOptions = { method: spec.method, url };
  if (req.raw !== undefined) {
    options.headers = { 'content-type': 'application/json' };
    options.payload = req.raw;
  } else if (req.body !== undefined) {
    options.headers = { 'content-type': 'application/json' };
    options.payload = JSON.stringify(req.body);
  }
  return options;
}
