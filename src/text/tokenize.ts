import { stemmer } from 'stemmer';
import { eng } from 'stopword';

/**
 * Words that carry no meaning in a movie search box ("a film about …"), on top of English
 * stop words: a prompt's content is what is left.
 */
const DOMAIN_STOP = ['movie', 'movies', 'film', 'films', 'flick', 'flicks', 'something', 'want', 'watch'];
const STOP = new Set([...eng, ...DOMAIN_STOP].map((w) => w.toLowerCase()));

/** A query or document is cut here: a 10 KB paste costs no more than a long overview. */
export const MAX_TEXT_CHARS = 4000;

// "sci-fi", "scifi" and "sci fi" are one word to people; so are "film-noir" and "film noir".
const PHRASES: [RegExp, string][] = [
  [/\bsci[\s-]*fi\b/g, 'scifi'],
  [/\bscience[\s-]+fiction\b/g, 'scifi'],
  [/\bfilm[\s-]+noir\b/g, 'noir'],
];

/** Lower-cased, accent-folded (Latin and Greek) text with the multi-word phrases above joined. */
export function foldText(text: string): string {
  // Accents are dropped from Latin and Greek letters only ("Amélie" → "amelie", "Ἀθῆναι" →
  // "αθηναι"): in other scripts a mark can be part of the letter (Japanese が is not か, Russian й
  // is not и), so those are recomposed.
  let folded = text
    .slice(0, MAX_TEXT_CHARS)
    .normalize('NFKD')
    .replace(/([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase();
  for (const [pattern, word] of PHRASES) folded = folded.replace(pattern, word);
  return folded;
}

/**
 * Index terms of a text: folded, split on anything but letters and digits (any script, so a
 * Japanese or Cyrillic query still yields terms), stop words and single characters dropped, Porter
 * stemmed ("terrorizes" → "terror") so a prompt meets an overview in another inflection.
 */
export function tokenize(text: string, out: string[] = []): string[] {
  const words = foldText(text).match(/[\p{L}\p{N}]+/gu);
  if (words === null) return out;
  for (const word of words) {
    if (word.length < 2 || STOP.has(word)) continue;
    out.push(/^[a-z]+$/.test(word) ? stemmer(word) : word);
  }
  return out;
}
