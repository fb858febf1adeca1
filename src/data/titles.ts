/**
 * MovieLens titles: "Matrix, The (1999)", "City of Lost Children, The (Cité des enfants perdus, La)
 * (1995)", "Babylon 5" (no year), "Fawlty Towers (1975-1979)". The catalog keeps the title as
 * MovieLens sorts it (article last) without the year; these helpers derive the other forms.
 */

/** Trailing articles MovieLens moves behind a comma, in the languages its catalog uses. */
const ARTICLES =
  "The A An La Le Les L' Il Lo Gli Un Une Uno Una El Los Las Der Die Das Ein Eine De Het Det Den En Et O Os As".split(
    ' ',
  );
const ARTICLE_SUFFIX = new RegExp(`^(.*\\S), (${ARTICLES.join('|')})$`);
const TRAILING_YEAR = /\s*\((\d{4})(?:\s*[-–]\s*(\d{4})?)?\)\s*$/;

export interface ParsedTitle {
  /** The title without the year, article still behind the comma as MovieLens sorts it. */
  title: string;
  year: number | null;
}

/**
 * Splits "Toy Story (1995)" into title and year. A year range "(1975-1979)" gives its first year;
 * a title without a year keeps `year: null`. Alternate titles in parentheses stay in the title.
 */
export function parseTitle(raw: string): ParsedTitle {
  const trimmed = raw.trim();
  const match = TRAILING_YEAR.exec(trimmed);
  if (match === null) return { title: trimmed, year: null };
  const title = trimmed.slice(0, match.index).trim();
  // "(1995)" alone is a title, not a year of an empty title.
  if (title.length === 0) return { title: trimmed, year: null };
  return { title, year: Number(match[1]) };
}

/**
 * The title as people write it: "Matrix, The" → "The Matrix", and each alternate title in
 * parentheses likewise ("…, The (Cité des enfants perdus, La)" → "The … (La Cité des enfants
 * perdus)"). "L'" joins without a space ("Auberge espagnole, L'" → "L'Auberge espagnole").
 */
export function displayTitle(title: string): string {
  const parts = splitAlternates(title);
  return parts
    .map((part, k) => {
      const fixed = moveArticleFront(part);
      return k === 0 ? fixed : `(${fixed})`;
    })
    .join(' ');
}

/**
 * Every name a title goes by, normalised for matching across catalogs: lower case, articles
 * dropped wherever they were, accents folded, punctuation removed, spaces collapsed. "Seven (Se7en)"
 * gives ["seven", "se7en"]; "a.k.a." prefixes of alternates are dropped.
 */
export function titleKeys(title: string): string[] {
  const keys = new Set<string>();
  for (const part of splitAlternates(title)) {
    const key = normalizeTitle(part.replace(/^a\.k\.a\.\s*/i, ''));
    if (key.length > 0) keys.add(key);
  }
  return [...keys];
}

/** One title normalised for matching (see {@link titleKeys}); "The Matrix" and "Matrix, The" agree. */
export function normalizeTitle(title: string): string {
  const front = moveArticleFront(title.trim())
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return front.replace(/^(the|a|an) /, '');
}

function moveArticleFront(part: string): string {
  const match = ARTICLE_SUFFIX.exec(part);
  if (match === null) return part;
  const [, rest, article] = match;
  return article.endsWith("'") ? `${article}${rest}` : `${article} ${rest}`;
}

/** "A, The (B, La) (C)" → ["A, The", "B, La", "C"]; nested parentheses stay inside their part. */
function splitAlternates(title: string): string[] {
  const parts: string[] = [];
  let end = title.length;
  // Walk balanced "(...)" groups back from the end; whatever precedes them is the main title.
  for (;;) {
    const trimmedEnd = title.slice(0, end).trimEnd().length;
    if (trimmedEnd === 0 || title[trimmedEnd - 1] !== ')') break;
    let depth = 0;
    let open = -1;
    for (let k = trimmedEnd - 1; k >= 0; k--) {
      if (title[k] === ')') depth++;
      else if (title[k] === '(' && --depth === 0) {
        open = k;
        break;
      }
    }
    if (open <= 0) break;
    parts.unshift(title.slice(open + 1, trimmedEnd - 1).trim());
    end = open;
  }
  const main = title.slice(0, end).trim();
  return main.length > 0 ? [main, ...parts] : parts.length > 0 ? parts : [title];
}
