import { describe, expect, it } from 'vitest';
import { buildCorpus, type Corpus, type TermBag, termBag, Vocabulary } from './corpus.js';
import { FittedEncoder, type FittedEncoderParams } from './fitted-encoder.js';

/**
 * Five groups of documents that share no word across groups. "shark" (docs 0–2) and "ocean"
 * (docs 3–5) never meet in a document, but the films of both groups have nearly the same CF factors.
 */
const TEXTS = [
  'shark teeth',
  'shark boat',
  'shark swimmer',
  'ocean wave',
  'ocean coral',
  'ocean sailor',
  'cowboy saloon',
  'cowboy horse',
  'robot laser',
  'robot planet',
  'detective murder',
  'detective rain',
];
const DIMS = 4;
const BASE = [
  [1, 1, 0, 0],
  [1, 1, 0, 0],
  [1, 1, 0, 0],
  [1, 1, 0, 0],
  [1, 1, 0, 0],
  [1, 1, 0, 0],
  [-1, 0, 1, 0],
  [-1, 0, 1, 0],
  [0, -1, 0, 1],
  [0, -1, 0, 1],
  [-1, -1, -1, 1],
  [-1, -1, -1, 1],
];
const JITTER = [0.03, -0.02, 0.01, 0.04, -0.03, 0.02, 0.05, -0.01, 0.02, -0.04, 0.01, 0.03];
// lsaDims above the corpus's rank (12): the LSA part is then the full TF-IDF geometry.
const PARAMS: FittedEncoderParams = { lsaDims: 16, cfWeight: 0.35, shrinkage: 2, queryCf: true, seed: 42 };

const texts5 = ['shark ocean', 'teeth robot rain', 'cowboy cowboy saloon', 'detective', 'coral wave'];
const corpus = buildCorpus(TEXTS.map((text) => [{ field: 'overview' as const, text, weight: 1 }]));
const bag = (text: string): TermBag =>
  termBag([{ field: 'overview', text, weight: 1 }], new Vocabulary(corpus.terms), false);

function factors(present: number[] = TEXTS.map(() => 1)) {
  const values = Float32Array.from(BASE.flatMap((row, d) => row.map((x, c) => x + JITTER[(d + c) % 12])));
  return { values, dims: DIMS, present: Uint8Array.from(present) };
}

/** The factors centred on the mean of present rows, each scaled to unit length; zero rows when absent. */
function centredUnit(f: ReturnType<typeof factors>): number[][] {
  const rows = BASE.map((_, d) => Array.from(f.values.subarray(d * DIMS, (d + 1) * DIMS)));
  const live = rows.filter((_, d) => f.present[d] === 1);
  const mean = [0, 1, 2, 3].map((c) => live.reduce((s, r) => s + r[c], 0) / live.length);
  return rows.map((r, d) => {
    if (f.present[d] === 0) return [0, 0, 0, 0];
    const x = r.map((v, c) => v - mean[c]);
    const norm = Math.hypot(...x);
    return x.map((v) => v / norm);
  });
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const cos = (a: ArrayLike<number>, b: ArrayLike<number>) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));

function encode(encoder: FittedEncoder, b: TermBag): Float32Array {
  const out = new Float32Array(encoder.dim);
  encoder.encodeBag(b, out);
  return out;
}

function docRows(c: Corpus, rows: Float32Array, dim: number): Float32Array[] {
  return Array.from({ length: c.lengths.length }, (_, d) => rows.subarray(d * dim, (d + 1) * dim));
}

describe('FittedEncoder', () => {
  it('grounds words in CF factors: "shark" meets the "ocean" films only through their audience', () => {
    const grounded = FittedEncoder.fit(corpus, factors(), PARAMS);
    const plain = FittedEncoder.fit(corpus, null, PARAMS);
    expect(plain.itemCf).toBeNull();
    expect(plain.encoder.state.cfDims).toBe(0);

    for (const { encoder, itemCf } of [grounded, plain]) {
      expect(encoder.state.lsaDims).toBe(12); // clamped to the corpus rank bound
      const docs = docRows(corpus, encoder.encodeCorpus(corpus, itemCf), encoder.dim);
      const q = encode(encoder, bag('shark'));
      const sims = docs.map((d) => cos(q, d));
      // Its own documents are always the nearest.
      expect(Math.min(...sims.slice(0, 3))).toBeGreaterThan(Math.max(...sims.slice(3)));
      if (encoder === grounded.encoder) {
        expect(Math.min(...sims.slice(3, 6))).toBeGreaterThan(Math.max(...sims.slice(6)) + 0.1);
      } else {
        // TF-IDF alone cannot link groups that share no document: cosine exactly 0 (to rounding).
        for (const s of sims.slice(3)) expect(Math.abs(s)).toBeLessThan(1e-4);
      }
    }
  });

  it('grounds a term in the shrunk, TF-IDF weighted mean of its films’ centred factors', () => {
    const f = factors();
    const { encoder } = FittedEncoder.fit(corpus, f, PARAMS);
    const unit = centredUnit(f);
    // shark (df 3) and each doc's other word (df 1) with smoothed idf ln((N+1)/(df+1)) + 1.
    const idfShark = Math.log(13 / 4) + 1;
    const idfOther = Math.log(13 / 2) + 1;
    expect(encoder.state.idf[corpus.terms.indexOf('shark')]).toBeCloseTo(idfShark, 5);
    const x = idfShark / Math.hypot(idfShark, idfOther); // shark's weight in each unit TF-IDF row
    const t = corpus.terms.indexOf('shark');
    for (let c = 0; c < DIMS; c++) {
      const expected = (x * (unit[0][c] + unit[1][c] + unit[2][c])) / (3 * x + PARAMS.shrinkage);
      expect(encoder.state.termCf[t * DIMS + c]).toBeCloseTo(expected, 5);
    }
  });

  it('encodes with unit norm and cos = (1−c)·cos(LSA parts) + c·cos(CF parts)', () => {
    const { encoder } = FittedEncoder.fit(corpus, factors(), PARAMS);
    const L = encoder.state.lsaDims;
    const texts = ['shark ocean', 'teeth robot rain', 'cowboy cowboy saloon', 'detective', 'coral wave'];
    const vectors = texts.map((text) => encode(encoder, bag(text)));
    for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const [a, b] = [vectors[i], vectors[j]];
        const expected =
          0.65 * cos(a.subarray(0, L), b.subarray(0, L)) + 0.35 * cos(a.subarray(L), b.subarray(L));
        expect(dot(a, b)).toBeCloseTo(expected, 5);
      }
    }
  });

  it('encodes a query without a CF part unless queryCf: cos with a document = √(1−c)·cos_LSA', () => {
    const plain = FittedEncoder.fit(corpus, factors(), { ...PARAMS, queryCf: false }).encoder;
    const withCf = FittedEncoder.fit(corpus, factors(), PARAMS).encoder;
    const L = plain.state.lsaDims;
    const docs = texts5.map((text) => encode(plain, bag(text)));
    for (const text of ['shark ocean', 'cowboy saloon', 'detective rain']) {
      const q = new Float32Array(plain.dim).fill(3);
      expect(plain.encodeQuery(bag(text), q)).toBe(true);
      expect(Array.from(q.subarray(L))).toEqual(new Array(plain.dim - L).fill(0));
      expect(Math.hypot(...q)).toBeCloseTo(1, 5);
      for (const d of docs)
        expect(dot(q, d)).toBeCloseTo(Math.sqrt(0.65) * cos(q.subarray(0, L), d.subarray(0, L)), 5);
      // With queryCf a query is encoded as any other text.
      const full = new Float32Array(withCf.dim);
      withCf.encodeQuery(bag(text), full);
      expect(Array.from(full)).toEqual(Array.from(encode(withCf, bag(text))));
    }
    const none = new Float32Array(plain.dim).fill(3);
    expect(plain.encodeQuery(bag('zebra'), none)).toBe(false);
    expect(none.every((x) => x === 0)).toBe(true);
  });

  it('returns false and a zero vector for a bag of only unknown terms', () => {
    const { encoder } = FittedEncoder.fit(corpus, factors(), PARAMS);
    expect(bag('zebra unicorn').terms).toHaveLength(0);
    const out = new Float32Array(encoder.dim).fill(7);
    expect(encoder.encodeBag(bag('zebra unicorn'), out)).toBe(false);
    expect(out.every((x) => x === 0)).toBe(true);
    out.fill(7);
    expect(encoder.encodeBag({ terms: Int32Array.of(999), weights: Float32Array.of(1) }, out)).toBe(false);
    expect(out.every((x) => x === 0)).toBe(true);
    expect(encoder.encodeBag(bag('shark zebra'), out)).toBe(true);
  });

  it('gives a film with factors its own centred unit factors as CF part, scaled by √cfWeight', () => {
    // Doc 11 has too few ratings: no factors of its own.
    const present = TEXTS.map((_, d) => (d === 11 ? 0 : 1));
    const f = factors(present);
    const { encoder, itemCf } = FittedEncoder.fit(corpus, f, PARAMS);
    const unit = centredUnit(f);
    expect(itemCf).not.toBeNull();
    for (let d = 0; d < 12; d++) {
      for (let c = 0; c < DIMS; c++) expect(itemCf?.[d * DIMS + c]).toBeCloseTo(unit[d][c], 5);
    }
    const L = encoder.state.lsaDims;
    const docs = docRows(corpus, encoder.encodeCorpus(corpus, itemCf), encoder.dim);
    for (let d = 0; d < 11; d++) {
      const row = docs[d];
      for (let c = 0; c < DIMS; c++) expect(row[L + c]).toBeCloseTo(Math.sqrt(0.35) * unit[d][c], 5);
      // The LSA part is what the words give.
      const words = encode(encoder, {
        terms: corpus.indices.subarray(corpus.indptr[d], corpus.indptr[d + 1]),
        weights: corpus.values.subarray(corpus.indptr[d], corpus.indptr[d + 1]),
      });
      for (let c = 0; c < L; c++) expect(row[c]).toBeCloseTo(words[c], 5);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    }
    // Doc 11's CF part comes from its words: "rain" has no film with factors, "detective" only
    // doc 10, so the part points exactly at doc 10's factors.
    const cf11 = docs[11].subarray(L);
    expect(cos(cf11, unit[10])).toBeCloseTo(1, 5);
    expect(Math.hypot(...cf11)).toBeCloseTo(Math.sqrt(0.35), 5);
  });
});
