import type { DocumentField } from './document.js';
import { tokenize } from './tokenize.js';

/**
 * The catalog's text as a weighted document–term matrix (CSR over documents): `values[p]` is the
 * weighted count of term `indices[p]` in the document — each occurrence counts its field's weight —
 * and `lengths[d]` the document's weighted length. Terms are numbered in order of first appearance.
 */
export interface Corpus {
  terms: string[];
  /** Documents containing each term (for idf). */
  docFreq: Int32Array;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  lengths: Float32Array;
}

export class Vocabulary {
  private readonly index = new Map<string, number>();

  constructor(readonly terms: string[] = []) {
    for (let k = 0; k < terms.length; k++) this.index.set(terms[k], k);
  }

  get size(): number {
    return this.terms.length;
  }

  lookup(term: string): number {
    return this.index.get(term) ?? -1;
  }

  add(term: string): number {
    const known = this.index.get(term);
    if (known !== undefined) return known;
    this.terms.push(term);
    this.index.set(term, this.terms.length - 1);
    return this.terms.length - 1;
  }
}

/** 1 + ln(tf): a word said ten times counts about three times as much as once, not ten. */
export function sublinear(tf: number): number {
  return 1 + Math.log(Math.max(1, tf));
}

/** A bag of weighted terms: parallel arrays, sorted by term id, no term twice. */
export interface TermBag {
  terms: Int32Array;
  weights: Float32Array;
}

/**
 * The weighted terms of a document or query. With `grow`, unseen terms join the vocabulary
 * (building the corpus); without, they are dropped (a query can only use terms the index knows).
 */
export function termBag(fields: readonly DocumentField[], vocab: Vocabulary, grow: boolean): TermBag {
  const counts = new Map<number, number>();
  const words: string[] = [];
  for (const field of fields) {
    words.length = 0;
    for (const word of tokenize(field.text, words)) {
      const id = grow ? vocab.add(word) : vocab.lookup(word);
      if (id >= 0) counts.set(id, (counts.get(id) ?? 0) + field.weight);
    }
  }
  const terms = Int32Array.from(counts.keys()).sort();
  const weights = new Float32Array(terms.length);
  for (let k = 0; k < terms.length; k++) weights[k] = counts.get(terms[k]) ?? 0;
  return { terms, weights };
}

/** Builds the corpus of `documents` (one per item, possibly empty). */
export function buildCorpus(documents: readonly DocumentField[][]): Corpus {
  const vocab = new Vocabulary();
  const bags = documents.map((fields) => termBag(fields, vocab, true));
  const nnz = bags.reduce((sum, bag) => sum + bag.terms.length, 0);
  const indptr = new Int32Array(bags.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  const lengths = new Float32Array(bags.length);
  const docFreq = new Int32Array(vocab.size);
  let p = 0;
  bags.forEach((bag, d) => {
    indices.set(bag.terms, p);
    values.set(bag.weights, p);
    for (let k = 0; k < bag.terms.length; k++) {
      docFreq[bag.terms[k]]++;
      lengths[d] += bag.weights[k];
    }
    p += bag.terms.length;
    indptr[d + 1] = p;
  });
  return { terms: vocab.terms, docFreq, indptr, indices, values, lengths };
}
