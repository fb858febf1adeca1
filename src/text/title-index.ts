/**
 * The inverted index behind {@link TitleMatcher}: every name of every title as words, and a
 * character-trigram → title-form postings map (Int32Array per trigram) that shortlists the forms
 * sharing the most trigrams with a query without scanning the catalog.
 */

import { normalizeTitle, titleKeys } from '../data/titles.js';
import { heapDrain, heapPush } from '../math/topk.js';
import type { TitleEntry } from './title-match.js';

/** Articles are noise wherever they stand: "Matrix, The", "matrix the", "fellowship of the ring". */
const ARTICLES = new Set(['the', 'a', 'an']);
/** Roman numerals read as digits so "rocky 2" finds "Rocky II"; "i" and "x" stay words (I, Robot; X-Men). */
const ROMAN: Record<string, string> = {
  ii: '2',
  iii: '3',
  iv: '4',
  v: '5',
  vi: '6',
  vii: '7',
  viii: '8',
  ix: '9',
};
/** Trigram alphabet after normalisation: "$" pads word ends, then a–z and 0–9. */
const ALPHABET = 37;
/** Small catalogs would make every word look rare: document frequencies are read against at least this many titles. */
const MIN_CATALOG = 10_000;

/** Postings read per query at most (see {@link TitleIndex.shortlist}). */
const MAX_SCAN = 60_000;

/** Kind of title form: 0 the title, 1 an alternate, 2 all names together, 3 the name before a subtitle. */
export type FormKind = 0 | 1 | 2 | 3;

export class TitleIndex {
  readonly entries = new Map<number, TitleEntry>();
  readonly formKey: number[] = [];
  readonly formText: string[] = [];
  readonly formWords: string[][] = [];
  readonly formKind: FormKind[] = [];
  /** Letters in the form's words. */
  readonly formChars: number[] = [];
  private formTrigrams: number[] = [];
  private alive = new Uint8Array(1024);
  private hits = new Int32Array(1024);
  private touched = new Int32Array(1024);
  private readonly formsOf = new Map<number, number[]>();
  private postings: (Int32Array | undefined)[] = [];
  private postingLength = new Int32Array(ALPHABET ** 3);
  private readonly docFreq = new Map<string, number>();
  private dead = 0;
  private maxLogPopularity = 0;

  /** Query or title text → matchable words (normalised, articles dropped unless nothing else, numerals as digits). */
  static words(text: string): string[] {
    return keyWords(normalizeTitle(text));
  }

  add(entry: TitleEntry): void {
    const pop = Number.isFinite(entry.popularity) && entry.popularity > 0 ? entry.popularity : 0;
    this.entries.set(entry.key, { ...entry, popularity: pop });
    this.maxLogPopularity = Math.max(this.maxLogPopularity, Math.log1p(pop));
    const keys = titleKeys(entry.title);
    const forms: [string, FormKind][] = keys.map((k, i) => [k, i === 0 ? 0 : 1]);
    if (keys.length > 1) forms.push([keys.join(' '), 2]);
    // "Terminator 2: Judgment Day" also goes by "Terminator 2", the name before its subtitle;
    // unless that is one short word ("Blood: The Last Vampire" is not what "blood" asks for).
    const head = /^(.+?)(?::\s| - )./.exec(entry.title.split(' (')[0]);
    const main = keyWords(head === null ? '' : normalizeTitle(head[1]));
    const named = main.length > 1 || (main.length === 1 && main[0].length >= 6 && !ARTICLES.has(main[0]));
    if (named && !keys.includes(main.join(' '))) forms.push([main.join(' '), 3]);
    const ids: number[] = [];
    const seen = new Set<string>();
    for (const [text, kind] of forms) {
      const words = keyWords(text);
      if (words.length === 0) continue;
      for (const w of words) seen.add(w);
      ids.push(this.addForm(entry.key, text, words, kind));
    }
    for (const w of seen) this.docFreq.set(w, (this.docFreq.get(w) ?? 0) + 1);
    this.formsOf.set(entry.key, ids);
  }

  remove(key: number): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    const ids = this.formsOf.get(key) ?? [];
    const seen = new Set(ids.flatMap((f) => this.formWords[f]));
    for (const w of seen) {
      const df = (this.docFreq.get(w) ?? 1) - 1;
      if (df > 0) this.docFreq.set(w, df);
      else this.docFreq.delete(w);
    }
    for (const f of ids) this.alive[f] = 0;
    this.dead += ids.length;
    this.entries.delete(key);
    this.formsOf.delete(key);
    // Removed forms linger in the postings (skipped) until they outnumber the live ones.
    if (this.dead > 4096 && this.dead > this.formKey.length - this.dead) this.rebuild();
  }

  /** Whether some title holds `word` (as {@link TitleIndex.words} gives it). */
  knows(word: string): boolean {
    return this.docFreq.has(word);
  }

  /** Popularity as a 0..1 prior: log count relative to the most popular title seen. */
  popularity(entry: TitleEntry): number {
    return this.maxLogPopularity > 0 ? Math.log1p(entry.popularity) / this.maxLogPopularity : 0;
  }

  /**
   * How much a title word says about which title is meant, about 0..1: its IDF relative to the
   * largest possible, times (letters / 7)^1.5 up to 1, as short words are everyday words ("dog",
   * "shark", "love" name many films) and long ones names ("shawshank"); numbers are short by nature
   * yet tell sequels apart, so they keep at least half.
   */
  informativeness(word: string): number {
    const n = Math.max(this.entries.size, MIN_CATALOG) + 1;
    const df = this.docFreq.get(word) ?? 0;
    const c = word.charCodeAt(0);
    const length = Math.min(1, (word.length / 7) ** 1.5);
    return (Math.log(n / (df + 0.5)) / Math.log(n)) * (c >= 48 && c <= 57 ? Math.max(0.5, length) : length);
  }

  /**
   * Live forms sharing the most distinct trigrams with `words`, at most `m`; ties go to the form
   * with fewer trigrams of its own (Dice), so "love" ranks the film "Love" before "Love Actually".
   */
  shortlist(words: readonly string[], m: number): number[] {
    const trigrams = new Set<number>();
    for (const w of words) addTrigrams(w, trigrams);
    if (this.hits.length < this.alive.length) {
      this.hits = new Int32Array(this.alive.length);
      this.touched = new Int32Array(this.alive.length);
    }
    const { hits, alive, touched, postingLength } = this;
    // Rarest trigrams first, and the commonest skipped once MAX_SCAN postings are read: they say
    // least about which title is meant and cost most (a long prompt would otherwise read them all).
    const codes = [...trigrams].sort((a, b) => postingLength[a] - postingLength[b]);
    let scanned = 0;
    let nTouched = 0;
    for (const code of codes) {
      const len = postingLength[code];
      if (scanned + len > MAX_SCAN && scanned > 0) break;
      scanned += len;
      const list = this.postings[code]!;
      for (let k = 0; k < len; k++) {
        const f = list[k];
        if (alive[f] === 1 && hits[f]++ === 0) touched[nTouched++] = f;
      }
    }
    // Only forms with at least the m-th best hit count can make the list: find that count with
    // a histogram so the heap sees hundreds of forms, not every form sharing one trigram.
    const histogram = new Int32Array(trigrams.size + 1);
    for (let k = 0; k < nTouched; k++) histogram[hits[touched[k]]]++;
    let cutoff = trigrams.size;
    for (let seen = 0; cutoff > 1 && seen + histogram[cutoff] < m; cutoff--) seen += histogram[cutoff];
    const heapScores = new Float64Array(m);
    const heapIds = new Int32Array(m);
    let size = 0;
    for (let k = 0; k < nTouched; k++) {
      const f = touched[k];
      const h = hits[f];
      hits[f] = 0;
      if (h < cutoff) continue;
      const dice = (2 * h) / (trigrams.size + this.formTrigrams[f]);
      size = heapPush(heapScores, heapIds, size, m, h + 0.999 * dice, f);
    }
    const out: number[] = new Array(size);
    heapDrain(heapScores, heapIds, size, (rank, _score, f) => {
      out[rank] = f;
    });
    return out;
  }

  private addForm(key: number, text: string, words: string[], kind: FormKind): number {
    const f = this.formKey.length;
    this.formKey.push(key);
    this.formText.push(text);
    this.formWords.push(words);
    this.formKind.push(kind);
    this.formChars.push(words.reduce((sum, w) => sum + w.length, 0));
    if (f >= this.alive.length) {
      const grown = new Uint8Array(this.alive.length * 2);
      grown.set(this.alive);
      this.alive = grown;
    }
    this.alive[f] = 1;
    const trigrams = new Set<number>();
    for (const w of words) addTrigrams(w, trigrams);
    this.formTrigrams.push(trigrams.size);
    for (const code of trigrams) {
      let list = this.postings[code];
      const len = this.postingLength[code];
      if (list === undefined || len === list.length) {
        const grown = new Int32Array(Math.max(8, len * 2));
        if (list !== undefined) grown.set(list);
        this.postings[code] = list = grown;
      }
      list[len] = f;
      this.postingLength[code] = len + 1;
    }
    return f;
  }

  private rebuild(): void {
    const entries = [...this.entries.values()];
    for (const arr of [
      this.formKey,
      this.formText,
      this.formWords,
      this.formKind,
      this.formChars,
      this.formTrigrams,
    ]) {
      arr.length = 0;
    }
    this.entries.clear();
    this.formsOf.clear();
    this.docFreq.clear();
    this.postings = [];
    this.postingLength.fill(0);
    this.alive.fill(0);
    this.dead = 0;
    for (const entry of entries) this.add(entry);
  }
}

function keyWords(key: string): string[] {
  const all = key.split(' ').filter((w) => w.length > 0);
  const kept = all.filter((w) => !ARTICLES.has(w));
  return (kept.length > 0 ? kept : all).map((w) => ROMAN[w] ?? w);
}

/** Trigrams of "$word$" as base-37 codes; words hold only a–z and 0–9 after normalisation. */
function addTrigrams(word: string, out: Set<number>): void {
  const padded = `$${word}$`;
  let a = charCode(padded, 0);
  let b = charCode(padded, 1);
  for (let i = 2; i < padded.length; i++) {
    const c = charCode(padded, i);
    out.add((a * ALPHABET + b) * ALPHABET + c);
    a = b;
    b = c;
  }
}

function charCode(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 97 && c <= 122) return c - 96;
  if (c >= 48 && c <= 57) return c - 48 + 27;
  return 0;
}
