/**
 * How well a query's words name one title form (see {@link scoreWords}); the scoring half of
 * {@link TitleMatcher}, kept apart from the index so each reads on its own.
 */
import { boundedDamerau } from './edit-distance.js';

/** Words that say "I mean a movie" without being part of its title. */
const FILLERS = new Set(['movie', 'film', 'movies', 'films']);

/** A query's words with what scoring needs of them worked out once, not once per title. */
export interface QueryWords {
  words: string[];
  /** Typos allowed per word ({@link wordBudget}). */
  budgets: Int8Array;
  filler: Uint8Array;
  /** Letters in non-filler words. */
  chars: number;
  /** The words run together, and their digits, for split/merged titles ("walle"). */
  joined: string;
  digits: string;
  /** Word indices, longest first: long words are the surest, so they pick their title word first. */
  order: number[];
}

export interface TitleWords {
  words: readonly string[];
  /** Letters in all words. */
  chars: number;
}

/** `known(word)`: whether some title holds the word (see {@link wordBudget}). */
export function prepareWords(words: string[], known: (word: string) => boolean): QueryWords {
  const filler = Uint8Array.from(words, (w) => (FILLERS.has(w) ? 1 : 0));
  const corroborated = filler.filter((f) => f === 0).length > 1;
  const joined = words.join('');
  return {
    words,
    budgets: Int8Array.from(words, (w) => (corroborated || !known(w) ? wordBudget(w, corroborated) : 0)),
    filler,
    chars: words.reduce((sum, w, i) => sum + (filler[i] === 1 ? 0 : w.length), 0),
    joined,
    digits: joined.replace(/\D/g, ''),
    order: words.map((_, i) => i).sort((a, b) => words[b].length - words[a].length),
  };
}

/**
 * Typos allowed in one word: none up to 3 letters ("dog" ≠ "dig"), none at 4 letters either unless
 * other query words corroborate ("hary poter"; "love" alone must not become "Lover"), 1 up to 8
 * letters, then 2. Numbers must be exact: "rocky 2" must not reach "Rocky III". A lone word that
 * some title spells exactly is taken as meant, not as a typo ("blood" must not become "Brood";
 * "godfater" is in no title, so it may be one).
 */
function wordBudget(word: string, corroborated: boolean): number {
  if (/^\d+$/.test(word) || word.length <= 3) return 0;
  return word.length === 4 ? (corroborated ? 1 : 0) : word.length <= 8 ? 1 : 2;
}

/**
 * Scores query words against one title form's words, or `null` below `floor`. Exact words pair
 * first, in query order (a repeated "of" pairs in reading order); each remaining query word then
 * takes its closest unused title word within its typo budget. Then:
 * - every title and query word matched: 1 − typo penalty (0.3 × edits / word length, per word),
 *   × 0.97 per filler ("heat movie");
 * - every query word matched, title longer (partial): 0.55 + 0.15 × share of title letters matched
 *   + 0.25 × distinctiveness (summed `informativeness` of the matched title words, ramped from 0.6
 *   to 1.1, so one word must be rare, "shawshank", and "dog" or "zombies" alone is not enough)
 *   + 0.05 × popularity (a partial name most likely means the well-known film) + 0.05 when the
 *   title starts with the query ("terminator 2" of "Terminator 2: Judgment Day"), less 0.03 per
 *   skipped title word between matched ones and the typo penalty; × 0.9 when out of order;
 * - query words missing from the title: the above × 0.85 × (matched share of query letters)².
 *   Fillers count as missing here: "a movie about time travel" describes, it does not name.
 * Split or merged words ("walle", "spiderman") match when the space-free strings hold the same
 * digits and are within a budget one tighter than a word's ("bagman" must not reach "Batman").
 */
export function scoreWords(
  q: QueryWords,
  title: TitleWords,
  informativeness: (word: string) => number,
  popularity: number,
  floor: number,
): { score: number; reason: string } | null {
  const t = title.words;
  // Each title word absorbs at most its letters plus 2 typos of a query word: when the query holds
  // more letters than that, words must go missing, which caps the score before any matching.
  const reach = Math.min(1, (title.chars + 2 * t.length) / Math.max(1, q.chars));
  if (reach < 1 && 0.85 * reach * reach < floor) return null;
  const budget = title.chars <= 8 ? 0 : title.chars <= 14 ? 1 : 2;
  if (q.words.length !== t.length && Math.abs(q.joined.length - title.chars) <= budget) {
    const d = q.digits === t.join('').replace(/\D/g, '') ? boundedDamerau(q.joined, t.join(''), budget) : 99;
    if (d <= budget) {
      const reason =
        d === 0 ? 'title with words joined or split' : `${d} typo${d > 1 ? 's' : ''} in joined words`;
      return { score: 1 - (0.3 * d) / q.joined.length, reason };
    }
  }
  const used = new Uint8Array(t.length);
  const pos = new Int32Array(q.words.length).fill(-1);
  for (let qi = 0, last = -1; qi < q.words.length; qi++) {
    let at = -1;
    for (let j = 0; j < t.length; j++) {
      if (used[j] === 0 && t[j] === q.words[qi] && (at < 0 || (at <= last && j > last))) at = j;
    }
    if (at >= 0) [used[at], pos[qi], last] = [1, at, at];
  }
  let [edits, penalty, qChars, qMatched, tMatched, missing, info] = [0, 0, 0, 0, 0, 0, 0];
  let [fillers, fillerChars] = [0, 0];
  const typos: string[] = [];
  for (const qi of q.order) {
    const w = q.words[qi];
    if (pos[qi] < 0) {
      const budget = q.budgets[qi];
      let dist = budget + 1;
      for (let j = 0; j < t.length && budget > 0; j++) {
        if (used[j] === 1) continue;
        const d = boundedDamerau(w, t[j], budget);
        if (d < dist) [pos[qi], dist] = [j, d];
      }
      if (pos[qi] < 0) {
        if (q.filler[qi] === 1) [fillers, fillerChars] = [fillers + 1, fillerChars + w.length];
        else [missing, qChars] = [missing + 1, qChars + w.length];
        continue;
      }
      used[pos[qi]] = 1;
      edits += dist;
      penalty += (0.3 * dist) / w.length;
      typos.push(`'${w}'`);
    }
    [qChars, qMatched, tMatched] = [qChars + w.length, qMatched + w.length, tMatched + t[pos[qi]].length];
    info += informativeness(t[pos[qi]]);
  }
  if (qMatched === 0) return null;
  const typoNote = edits === 0 ? '' : `${edits} typo${edits > 1 ? 's' : ''} in ${typos.join(', ')}`;
  if (missing === 0 && used.every((u) => u === 1)) {
    return { score: (1 - penalty) * 0.97 ** fillers, reason: typoNote || 'exact title' };
  }
  missing += fillers;
  qChars += fillerChars;
  const matchedPos = [...pos].filter((p) => p >= 0);
  const inOrder = matchedPos.every((p, k) => k === 0 || p > matchedPos[k - 1]);
  const gaps = Math.max(...matchedPos) - Math.min(...matchedPos) + 1 - matchedPos.length;
  const distinct = Math.min(1, Math.max(0, (info - 0.6) / 0.5));
  const prefix = inOrder && matchedPos[0] === 0 && gaps === 0;
  let score = 0.55 + (0.15 * tMatched) / title.chars + 0.25 * distinct + 0.05 * popularity;
  // Capped below an exact title: "mission impossible" names "Mission: Impossible", not its sequel.
  score = Math.min(0.96, score + (prefix ? 0.05 : 0)) - 0.03 * Math.min(3, gaps) - penalty;
  if (!inOrder) score *= 0.9;
  const note = typoNote === '' ? '' : `; ${typoNote}`;
  if (missing === 0) return { score, reason: `partial: all query words in title${note}` };
  const share = qMatched / qChars;
  return {
    score: score * 0.85 * share * share,
    reason: `partial: ${q.words.length - missing} of ${q.words.length} query words in title${note}`,
  };
}
