/**
 * "Title or prompt?" for the search box: does the query name a movie, which one, how sure are we.
 *
 * Titles are indexed under every name they go by ({@link titleKeys}: article moved front, accents
 * folded, punctuation dropped, "&" → "and", each alternate in parentheses, "a.k.a." dropped), all
 * names together for titles with alternates (someone pasting the whole MovieLens title), and the
 * name before a subtitle ("Terminator 2" of "Terminator 2: Judgment Day"). Words are compared
 * without English articles wherever they stand ("matrix the") and with roman numerals II–IX read as
 * digits ("rocky 2" = "Rocky II"). A character-trigram inverted index shortlists the title forms
 * sharing the most trigrams with the query's words; only that shortlist is scored, word by word,
 * with a bounded Damerau–Levenshtein distance (see {@link scoreWords} for the formula). A trailing
 * year ("heat 1995", "Heat (1995)") boosts films of that year and discounts the others; popularity
 * breaks ties. Latin script only: a query without Latin letters or digits (emoji, CJK, binary)
 * normalises to nothing and names no title.
 */
import { parseTitle } from '../data/titles.js';
import { TitleIndex } from './title-index.js';
import { prepareWords, type QueryWords, scoreWords } from './title-score.js';

export interface TitleEntry {
  /** Dense item index. */
  key: number;
  /** As MovieLens stores it, article behind the comma, no year: "Matrix, The". */
  title: string;
  year: number | null;
  /** Any non-negative count (ratings, votes); only its log relative to the catalog's largest matters. */
  popularity: number;
}

export interface TitleCandidate {
  key: number;
  /** 0..1; {@link RESOLVE_THRESHOLD} and above names the movie. */
  score: number;
  /** The normalised title form that matched ("godfather", "se7en"). */
  matched: string;
  reason: string;
}

/**
 * Below this, `resolve` reads the query as a prompt. An exact or lightly misspelt whole title
 * scores 0.9–1; a partial title needs long, rare words covering a fair part of it (≈0.92 for
 * "empire strikes back", ≈0.7 for "shark" in "Shark Tale", ≈0.65 for "dog" in "Dog Day Afternoon");
 * a query word missing from the title scales the score by 0.85·(matched share of query letters)²,
 * so a prompt that mentions a title's word ("a giant shark terrorizes a beach town") lands far
 * below, and a misremembered year (×0.85) still names an exact title.
 */
export const RESOLVE_THRESHOLD = 0.8;
/** Candidates below this are not worth showing at all. */
const PLAUSIBLE = 0.4;
/** Work is capped by query length: a pasted essay costs the same as its first 200 characters. */
const MAX_QUERY_CHARS = 200;
const MAX_QUERY_WORDS = 24;
/** Forms scored per query: plenty for typos (the right title shares most trigrams), bounded work. */
const SHORTLIST = 256;
/** Ranking adds popularity × this: it settles ties and near-ties, never a real difference. */
const POPULARITY_WEIGHT = 0.02;

/** The query's words, and its year when it ends with one ("heat 1995", "Heat (1995)"). */
interface Query {
  all: QueryWords;
  /** The words without the trailing year (the same object as `all` when the year was in parentheses). */
  yearless: QueryWords | null;
  year: number | null;
}

interface Scored {
  key: number;
  form: number;
  score: number;
  rank: number;
  reason: string;
}

export class TitleMatcher {
  private readonly index = new TitleIndex();
  private readonly info = (word: string) => this.index.informativeness(word);
  private readonly known = (word: string) => this.index.knows(word);

  constructor(entries: readonly TitleEntry[]) {
    for (const entry of entries) this.index.add(entry);
  }

  /** Adds a movie, or replaces the one with the same key (its old names stop matching at once). */
  upsert(entry: TitleEntry): void {
    this.index.remove(entry.key);
    this.index.add(entry);
  }

  remove(key: number): void {
    this.index.remove(key);
  }

  /**
   * The `n` best movies for the query, best first (score, then popularity × 0.02 so same-named
   * films come most popular first); empty when nothing scores {@link PLAUSIBLE}.
   */
  candidates(query: string, n = 5): TitleCandidate[] {
    const q = parseQuery(query, this.known);
    if (q === null || n <= 0) return [];
    const best = new Map<number, Scored>();
    for (const form of this.index.shortlist(q.all.words, SHORTLIST)) {
      const s = this.scoreForm(q, form);
      const prev = best.get(s?.key ?? -1);
      if (s !== null && s.score >= PLAUSIBLE && (prev === undefined || s.rank > prev.rank))
        best.set(s.key, s);
    }
    const all = [...best.values()].sort((a, b) => b.rank - a.rank || a.key - b.key);
    return all.slice(0, n).map((s, k) => {
      const matched = this.index.formText[s.form];
      let reason = s.reason;
      // Same-named films: say what chose between them, the year when it did, else popularity
      // (when another film of that name scored within the popularity weight).
      const named = k === 0 ? all.filter((o) => this.index.formText[o.form] === matched) : [];
      const close = named.filter((o) => o.score >= s.score - POPULARITY_WEIGHT);
      if (named.length > 1 && reason.includes(`; year ${q.year}`)) {
        reason = reason.replace(
          `; year ${q.year}`,
          `; year ${q.year} chose among ${named.length} '${matched}'`,
        );
      } else if (close.length > 1) {
        reason += `; popularity chose among ${close.length} '${matched}'`;
      }
      return { key: s.key, score: Math.round(s.score * 1000) / 1000, matched, reason };
    });
  }

  /** The movie the query names (best candidate at {@link RESOLVE_THRESHOLD} or above), or null with why. */
  resolve(query: string): { match: TitleCandidate | null; reason: string } {
    if (parseQuery(query, this.known) === null)
      return { match: null, reason: 'no Latin letters or digits to match titles by' };
    const [top] = this.candidates(query, 1);
    if (top === undefined) return { match: null, reason: 'no title resembles the query: a prompt' };
    if (top.score < RESOLVE_THRESHOLD) {
      return {
        match: null,
        reason: `best title '${top.matched}' scored ${top.score.toFixed(2)} < ${RESOLVE_THRESHOLD} (${top.reason}): a prompt`,
      };
    }
    return { match: top, reason: top.reason };
  }

  /** The form scored against the query as written and, with a trailing year, without it. */
  private scoreForm(q: Query, form: number): Scored | null {
    const key = this.index.formKey[form];
    const entry = this.index.entries.get(key)!;
    const title = { words: this.index.formWords[form], chars: this.index.formChars[form] };
    const pop = this.index.popularity(entry);
    let best = q.yearless === null ? null : scoreWords(q.yearless, title, this.info, pop, PLAUSIBLE);
    if (best !== null && q.year !== null) {
      // MovieLens years are release years and people misremember by one: close years barely count.
      const gap = entry.year === null ? null : Math.abs(entry.year - q.year);
      const factor = gap === null ? 0.9 : gap === 0 ? 1 : gap === 1 ? 0.95 : 0.85;
      best.score = Math.min(1, gap === 0 ? best.score + 0.05 : best.score * factor);
      best.reason += gap === 0 ? `; year ${q.year}` : `; year ${entry.year ?? '?'} ≠ ${q.year}`;
    }
    const asWritten = q.all === q.yearless ? null : scoreWords(q.all, title, this.info, pop, PLAUSIBLE);
    if (asWritten !== null && (best === null || asWritten.score > best.score)) best = asWritten;
    if (best === null) return null;
    const kind = this.index.formKind[form];
    if (kind > 0) {
      const name = ['', 'alternate title', 'full title', 'title before its subtitle'][kind];
      best.reason = best.reason.includes('title')
        ? best.reason.replace('title', name)
        : `${best.reason} (${name})`;
      // A short name is a slightly weaker claim: "godfather" is "The Godfather" before "Part II".
      if (kind === 3) best.score *= 0.95;
    }
    const rank = best.score + POPULARITY_WEIGHT * pop;
    return { key, form, score: best.score, rank, reason: best.reason };
  }
}

/** Normalised query words, `null` when nothing matchable is left. */
function parseQuery(raw: string, known: (word: string) => boolean): Query | null {
  if (typeof raw !== 'string') return null;
  // A parenthesised year is only ever a year ("Heat (1995)"); "(1995)" alone stays a title.
  const { title, year } = parseTitle(raw.slice(0, MAX_QUERY_CHARS));
  const words = TitleIndex.words(title.replace(/\ba\.k\.a\.?/gi, ' ')).slice(0, MAX_QUERY_WORDS);
  if (words.length === 0) return null;
  const all = prepareWords(words, known);
  if (year !== null) return { all, yearless: all, year };
  const last = words[words.length - 1];
  const bare = /^\d{4}$/.test(last) ? Number(last) : 0;
  // A bare trailing number is a year only in film history's range and after other words
  // ("blade runner 2049" and "1917" stay titles); both readings are scored, the better wins.
  if (words.length > 1 && bare >= 1870 && bare <= new Date().getFullYear() + 5) {
    return { all, yearless: prepareWords(words.slice(0, -1), known), year: bare };
  }
  return { all, yearless: null, year: null };
}
