import { describe, expect, it } from 'vitest';
import { Bm25, queryWeight } from './bm25.js';
import { buildCorpus, type Corpus, type TermBag, termBag, Vocabulary } from './corpus.js';
import { type DocumentField, movieDocument } from './document.js';

const overview = (text: string): DocumentField => ({ field: 'overview', text, weight: 1 });

/**
 * Four documents. Weighted term counts and lengths, by hand:
 * d0: shark 1+1, beach 1, ocean 2 (keywords)   length 5
 * d1: beach 1, storm 1                          length 2
 * d2: shark 0.5 (title), night, river, desert   length 3.5
 * d3: desert 1                                  length 1
 * average length 11.5 / 4 = 2.875
 */
const DOCS: DocumentField[][] = [
  [overview('shark beach shark'), { field: 'keywords', text: 'ocean', weight: 2 }],
  [overview('beach storm')],
  [{ field: 'title', text: 'Shark', weight: 0.5 }, overview('night river desert')],
  [overview('desert')],
];

function query(corpus: Corpus, text: string): TermBag {
  return termBag([overview(text)], new Vocabulary(corpus.terms), false);
}

function score(bm25: Bm25, bag: TermBag, nDocs: number): { out: Float32Array; touched: number[] } {
  const out = new Float32Array(nDocs);
  const touched = new Int32Array(nDocs);
  const count = bm25.scoreInto(bag, out, touched);
  return { out, touched: Array.from(touched.subarray(0, count)).sort((a, b) => a - b) };
}

/** The bag of document d as the corpus stores it. */
function docBag(corpus: Corpus, d: number): TermBag {
  const from = corpus.indptr[d];
  const to = corpus.indptr[d + 1];
  return { terms: corpus.indices.slice(from, to), weights: corpus.values.slice(from, to) };
}

describe('Bm25 on a hand-computed corpus', () => {
  const corpus = buildCorpus(DOCS);
  const bm25 = new Bm25(corpus, { k1: 1.2, b: 0.75 });
  const avg = 2.875;
  // idf = ln(1 + (N − df + 0.5)/(df + 0.5)), N = 4
  const idf2 = Math.log(1 + (4 - 2 + 0.5) / (2 + 0.5)); // ln 2: shark, beach, desert
  const idf1 = Math.log(1 + (4 - 1 + 0.5) / (1 + 0.5)); // ln(10/3): storm, ocean, night, river
  const sat = (tf: number, len: number) => (tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * len) / avg));

  it('builds the weighted counts and lengths listed above', () => {
    expect(Array.from(corpus.lengths)).toEqual([5, 2, 3.5, 1]);
    const shark = corpus.terms.indexOf('shark');
    expect(Array.from(docBag(corpus, 0).weights)).toEqual([2, 1, 2]); // shark, beach, ocean
    expect(corpus.docFreq[shark]).toBe(2);
    expect(bm25.idf[shark]).toBeCloseTo(Math.LN2, 6);
    expect(bm25.idf[corpus.terms.indexOf('storm')]).toBeCloseTo(Math.log(10 / 3), 6);
  });

  it('scores a one-word query as idf × saturated tf, and touches exactly the matching documents', () => {
    const { out, touched } = score(bm25, query(corpus, 'sharks'), 4);
    expect(touched).toEqual([0, 2]);
    expect(out[0]).toBeCloseTo(idf2 * sat(2, 5), 5);
    expect(out[2]).toBeCloseTo(idf2 * sat(0.5, 3.5), 5);
    expect(out[1]).toBe(0);
    expect(out[3]).toBe(0);
    // Numerically: 0.6931 × 4.4/(2 + 1.2 × 1.5543) = 0.7890
    expect(out[0]).toBeCloseTo(0.789, 3);
  });

  it('sums over query words', () => {
    const { out, touched } = score(bm25, query(corpus, 'shark beach storm'), 4);
    expect(touched).toEqual([0, 1, 2]);
    expect(out[0]).toBeCloseTo(idf2 * sat(2, 5) + idf2 * sat(1, 5), 5);
    expect(out[1]).toBeCloseTo(idf2 * sat(1, 2) + idf1 * sat(1, 2), 5);
    expect(out[2]).toBeCloseTo(idf2 * sat(0.5, 3.5), 5);
  });

  it('weighs a word repeated in the query by 1 + ln(count), not count', () => {
    const once = score(bm25, query(corpus, 'shark beach'), 4).out;
    const twice = score(bm25, query(corpus, 'shark shark beach'), 4).out;
    const thrice = score(bm25, query(corpus, 'shark shark shark'), 4).out;
    expect(twice[0]).toBeCloseTo((1 + Math.LN2) * idf2 * sat(2, 5) + idf2 * sat(1, 5), 5);
    expect(twice[1]).toBeCloseTo(once[1], 6); // beach only
    expect(thrice[2]).toBeCloseTo((1 + Math.log(3)) * idf2 * sat(0.5, 3.5), 5);
  });

  it('scores nothing for words it does not know', () => {
    expect(query(corpus, 'zebra unicorn').terms).toHaveLength(0);
    const { out, touched } = score(bm25, query(corpus, 'zebra unicorn'), 4);
    expect(touched).toEqual([]);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
    // A term id past the built vocabulary (an overlay term) has no postings: scoreInto skips it, not
    // reading out of bounds. scoreBag (a document added after the build) scores it as a word of one
    // document: idf ln(1 + (4 − 1 + 0.5) / 1.5), tf 3 in a document of length 3.
    const outside = { terms: Int32Array.of(999), weights: Float32Array.of(1) };
    expect(score(bm25, outside, 4).touched).toEqual([]);
    const saturated = (3 * 2.2) / (3 + 1.2 * (0.25 + (0.75 * 3) / 2.875));
    expect(bm25.scoreBag(outside, { terms: Int32Array.of(999), weights: Float32Array.of(3) })).toBeCloseTo(
      Math.log(1 + 3.5 / 1.5) * saturated,
      6,
    );
  });

  it('gives scoreBag of a document the same score scoreInto gives it', () => {
    for (const text of ['shark', 'shark beach storm', 'desert night desert', 'ocean', 'zebra']) {
      const bag = query(corpus, text);
      const { out } = score(bm25, bag, 4);
      for (let d = 0; d < 4; d++) expect(bm25.scoreBag(bag, docBag(corpus, d))).toBeCloseTo(out[d], 6);
    }
  });

  it('honours k1 and b: with b = 0 length does not matter', () => {
    const flat = new Bm25(corpus, { k1: 2, b: 0 });
    const { out } = score(flat, query(corpus, 'desert'), 4);
    // desert has tf 1 in d2 (length 3.5) and d3 (length 1): the same score, idf × 1·3/(1 + 2).
    expect(out[2]).toBeCloseTo(Math.LN2, 6);
    expect(out[3]).toBeCloseTo(Math.LN2, 6);
    // With b = 0.75 the shorter d3 wins.
    const { out: normed } = score(bm25, query(corpus, 'desert'), 4);
    expect(normed[3]).toBeCloseTo(idf2 * sat(1, 1), 5);
    expect(normed[3]).toBeGreaterThan(normed[2]);
  });
});

describe('field weights', () => {
  it('count each occurrence by its field weight, in tf and in length', () => {
    const corpus = buildCorpus([
      [{ field: 'keywords', text: 'ocean', weight: 2 }],
      [overview('ocean ocean')],
      [{ field: 'title', text: 'Ocean', weight: 0.5 }, overview('storm night')],
    ]);
    expect(Array.from(corpus.values)).toEqual([2, 2, 0.5, 1, 1]);
    expect(Array.from(corpus.lengths)).toEqual([2, 2, 2.5]);
    const bm25 = new Bm25(corpus);
    const { out } = score(bm25, query(corpus, 'ocean'), 3);
    // One keyword is worth exactly two words of overview.
    expect(out[0]).toBe(out[1]);
    expect(out[2]).toBeLessThan(out[0]);
  });

  it('are the documented defaults in a movie document', () => {
    const fields = movieDocument({
      movieId: 1,
      title: 'Jaws',
      year: 1975,
      genres: ['Thriller'],
      overview: 'A shark attacks.',
      keywords: ['shark'],
    });
    const corpus = buildCorpus([fields]);
    const weightOf = (term: string) => corpus.values[corpus.terms.indexOf(term)];
    expect(weightOf('jaw')).toBe(0.5); // title
    expect(weightOf('thriller')).toBe(1); // genre
    expect(weightOf('shark')).toBe(3); // overview 1 + keyword 2
    expect(corpus.lengths[0]).toBe(0.5 + 1 + 1 + 1 + 2); // jaws, thriller, shark, attack, shark
  });
});

describe('queryWeight', () => {
  it('is 1 + ln(w) from 1 up and w itself below, continuous at 1', () => {
    expect(queryWeight(1)).toBe(1);
    expect(queryWeight(Math.E)).toBeCloseTo(2, 12);
    expect(queryWeight(2)).toBeCloseTo(1 + Math.LN2, 12);
    // A feedback word at 0.3 of a typed word counts 0.3, not a whole word.
    expect(queryWeight(0.3)).toBe(0.3);
    expect(queryWeight(0.999999)).toBeCloseTo(1, 5);
    expect(queryWeight(0)).toBe(0);
    expect(queryWeight(-1)).toBe(0);
  });

  it('ignores a query word weighted 0: its films are not listed, and none is listed twice', () => {
    const corpus = buildCorpus(DOCS);
    const bm25 = new Bm25(corpus);
    const vocab = new Vocabulary(corpus.terms);
    const [shark, desert] = [vocab.lookup('shark'), vocab.lookup('desert')];
    const bag: TermBag = {
      terms: Int32Array.from([shark, desert].sort((a, b) => a - b)),
      weights: Float32Array.from(
        [shark, desert].sort((a, b) => a - b),
        (t) => (t === shark ? 0 : 1),
      ),
    };
    const { out, touched } = score(bm25, bag, DOCS.length);
    expect(touched).toEqual([2, 3]); // the desert films only, each once
    expect(out[0]).toBe(0);
  });
});
