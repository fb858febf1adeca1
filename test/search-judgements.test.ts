// Checks the hand-judged search evaluation sets (test/data/search-prompts.json and
// test/data/search-titles.json) are well formed and honest: ids exist in the catalog with the
// titles given, counts per split meet the minimums, and no prompt can be answered by title words.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

type Split = 'dev' | 'test';

interface Relevant {
  movieId: number;
  title: string;
}

interface Prompt {
  id: string;
  split: Split;
  query: string;
  relevant: Relevant[];
}

interface TitleQuery {
  query: string;
  split: Split;
  kind: string;
  movieId: number;
  title: string;
}

const SPLITS: readonly Split[] = ['dev', 'test'];
const KINDS = ['typo', 'article', 'partial', 'year', 'alternate', 'case-punct'];
const PROMPT_MINIMUM: Record<Split, number> = { test: 48, dev: 48 };
const TITLE_MINIMUM: Record<Split, number> = { test: 64, dev: 16 };

function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as T;
}

const promptFile = readJson<{ about: string; prompts: Prompt[] }>('./data/search-prompts.json');
const titleFile = readJson<{ about: string; queries: TitleQuery[] }>('./data/search-titles.json');

const datasets = fileURLToPath(new URL('../../shared/datasets', import.meta.url));
const moviesCsv = `${datasets}/ml-latest-small/movies.csv`;
const haveCatalog = existsSync(`${datasets}/ml-latest-small`);

/** Splits one CSV record; handles quoted fields with commas and doubled quotes. */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  fields.push(field);
  return fields;
}

function readCatalog(): Map<number, string> {
  const titles = new Map<number, string>();
  const lines = readFileSync(moviesCsv, 'utf8').split(/\r?\n/);
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const [id, title] = splitCsvLine(line);
    titles.set(Number(id), title);
  }
  return titles;
}

/** Lower-cased words of 3+ letters or digits, a trailing plural "s" dropped (on words longer than 3). */
function words(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (w.length < 3) continue;
    out.add(w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w);
  }
  return out;
}

function countBySplit(items: { split: Split }[]): Record<Split, number> {
  const counts: Record<Split, number> = { dev: 0, test: 0 };
  for (const item of items) counts[item.split]++;
  return counts;
}

describe('search prompts (semantic search judgements)', () => {
  const { prompts } = promptFile;

  it('has an about text and unique prompt ids', () => {
    expect(promptFile.about.length).toBeGreaterThan(100);
    const ids = prompts.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('meets the per-split minimums', () => {
    for (const p of prompts) expect(SPLITS).toContain(p.split);
    const counts = countBySplit(prompts);
    for (const split of SPLITS) expect(counts[split]).toBeGreaterThanOrEqual(PROMPT_MINIMUM[split]);
  });

  it('has 2-12 word queries with at least 3 distinct relevant films each', () => {
    for (const p of prompts) {
      const n = p.query.trim().split(/\s+/).length;
      expect(n, p.id).toBeGreaterThanOrEqual(2);
      expect(n, p.id).toBeLessThanOrEqual(12);
      expect(p.relevant.length, p.id).toBeGreaterThanOrEqual(3);
      const ids = p.relevant.map((r) => r.movieId);
      expect(new Set(ids).size, `${p.id} repeats a movieId`).toBe(ids.length);
      for (const id of ids) expect(Number.isInteger(id), p.id).toBe(true);
    }
  });

  it('keeps dev apart from test: no dev prompt repeats a test prompt in films or wording', () => {
    // Tuning on dev says something about test only if dev does not restate test's prompts.
    const jaccard = <T>(a: Set<T>, b: Set<T>) => {
      let both = 0;
      for (const x of a) if (b.has(x)) both++;
      return both / Math.max(1, a.size + b.size - both);
    };
    const test = prompts.filter((p) => p.split === 'test');
    const close: string[] = [];
    for (const p of prompts.filter((q) => q.split === 'dev')) {
      const films = new Set(p.relevant.map((r) => r.movieId));
      const queryWords = words(p.query);
      for (const t of test) {
        const filmOverlap = jaccard(films, new Set(t.relevant.map((r) => r.movieId)));
        const wordOverlap = jaccard(queryWords, words(t.query));
        if (filmOverlap > 0.3 || wordOverlap > 0.4) close.push(`${p.id} ~ ${t.id}`);
      }
    }
    expect(close).toEqual([]);
  });

  it('shares no word (3+ letters, plural folded) with any relevant title', () => {
    const clashes: string[] = [];
    for (const p of prompts) {
      const queryWords = words(p.query);
      for (const r of p.relevant) {
        const shared = [...words(r.title)].filter((w) => queryWords.has(w));
        if (shared.length > 0) clashes.push(`${p.id}: ${shared.join(',')} in ${r.title}`);
      }
    }
    expect(clashes).toEqual([]);
  });
});

describe('title queries (fuzzy title lookup judgements)', () => {
  const { queries } = titleFile;

  it('has an about text, known kinds and unique queries', () => {
    expect(titleFile.about.length).toBeGreaterThan(100);
    for (const q of queries) expect(KINDS, q.query).toContain(q.kind);
    const lowered = queries.map((q) => q.query.toLowerCase());
    expect(new Set(lowered).size).toBe(lowered.length);
  });

  it('meets the per-split minimums and covers every kind in test', () => {
    for (const q of queries) expect(SPLITS).toContain(q.split);
    const counts = countBySplit(queries);
    for (const split of SPLITS) expect(counts[split]).toBeGreaterThanOrEqual(TITLE_MINIMUM[split]);
    const testKinds = new Set(queries.filter((q) => q.split === 'test').map((q) => q.kind));
    expect([...testKinds].sort()).toEqual([...KINDS].sort());
  });

  it('never equals its target title after lower-casing', () => {
    for (const q of queries) {
      expect(q.query.trim().length, q.title).toBeGreaterThan(0);
      expect(q.query.toLowerCase(), q.query).not.toBe(q.title.toLowerCase());
      expect(q.query.toLowerCase(), q.query).not.toBe(q.title.trim().toLowerCase());
    }
  });
});

describe.skipIf(!haveCatalog)('judgements against ml-latest-small movies.csv', () => {
  const catalog = haveCatalog ? readCatalog() : new Map<number, string>();

  it('reads the whole catalog', () => {
    expect(catalog.size).toBe(9742);
    expect(catalog.get(1387)).toBe('Jaws (1975)');
  });

  it('every relevant film exists with the given title', () => {
    const wrong: string[] = [];
    for (const p of promptFile.prompts) {
      for (const r of p.relevant) {
        const title = catalog.get(r.movieId);
        if (title !== r.title)
          wrong.push(`${p.id}: ${r.movieId} is ${JSON.stringify(title)}, not ${JSON.stringify(r.title)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every title query target exists with the given title', () => {
    const wrong: string[] = [];
    for (const q of titleFile.queries) {
      const title = catalog.get(q.movieId);
      if (title !== q.title)
        wrong.push(`${q.query}: ${q.movieId} is ${JSON.stringify(title)}, not ${JSON.stringify(q.title)}`);
    }
    expect(wrong).toEqual([]);
  });
});
