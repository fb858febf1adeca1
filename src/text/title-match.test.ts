import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMovieLens } from '../data/movielens.js';
import { RESOLVE_THRESHOLD, type TitleEntry, TitleMatcher } from './title-match.js';

// A hand-made catalog: popular films, same-named films, and films sharing words with prompts.
const CATALOG: [title: string, year: number | null, popularity: number][] = [
  ['Godfather, The', 1972, 190],
  ['Godfather: Part II, The', 1974, 130],
  ['Heat', 1995, 100],
  ['Heat', 1986, 3],
  ['Matrix, The', 1999, 280],
  ['Seven (a.k.a. Se7en)', 1995, 200],
  ['Lord of the Rings: The Fellowship of the Ring, The', 2001, 200],
  ['Shark Tale', 2004, 20],
  ['Jaws', 1975, 90],
  ['Dog Day Afternoon', 1975, 40],
  ["Amelie (Fabuleux destin d'Amélie Poulain, Le)", 2001, 120],
  ['WALL·E', 2008, 100],
  ['Terminator, The', 1984, 130],
  ['Terminator 2: Judgment Day', 1991, 220],
  ['Love Actually', 2003, 60],
  ['Love', 2015, 5],
  ['Pulp Fiction', 1994, 300],
  ['Star Wars: Episode V - The Empire Strikes Back', 1980, 210],
  ['Rocky', 1976, 60],
  ['Rocky II', 1979, 20],
  ['Rocky III', 1982, 15],
];
const entries: TitleEntry[] = CATALOG.map(([title, year, popularity], key) => ({
  key,
  title,
  year,
  popularity,
}));
const keyOf = (title: string, year?: number) =>
  entries.find((e) => e.title === title && (year === undefined || e.year === year))!.key;

function resolvesTo(matcher: TitleMatcher, query: string): string | null {
  const { match } = matcher.resolve(query);
  return match === null ? null : entries[match.key].title;
}

describe('TitleMatcher on a hand-made catalog', () => {
  const matcher = new TitleMatcher(entries);

  it('matches a title however its article is written', () => {
    for (const q of ['the matrix', 'matrix the', 'Matrix, The', 'THE MATRIX!', 'matrix']) {
      const { match } = matcher.resolve(q);
      expect(match?.key, q).toBe(keyOf('Matrix, The'));
      expect(match?.score).toBe(1);
      expect(match?.reason).toBe('exact title');
    }
  });

  it('forgives typos within a per-word budget and says where they were', () => {
    const godfather = matcher.resolve('godfater').match!;
    expect(godfather.key).toBe(keyOf('Godfather, The'));
    expect(godfather.reason).toBe("1 typo in 'godfater'");
    expect(godfather.score).toBeGreaterThan(0.9);
    expect(godfather.score).toBeLessThan(1);
    expect(resolvesTo(matcher, 'pulp ficton')).toBe('Pulp Fiction');
    expect(resolvesTo(matcher, 'terminaor 2')).toBe('Terminator 2: Judgment Day');
    expect(resolvesTo(matcher, 'the godfahter')).toBe('Godfather, The');
    // Short words get no typo budget: "jams" is not "Jaws", "hat" is not "Heat".
    expect(matcher.resolve('jams').match).toBeNull();
    expect(matcher.resolve('hat').match).toBeNull();
  });

  it('uses a trailing or parenthesised year to choose among same-named films', () => {
    const heat95 = matcher.resolve('heat 1995').match!;
    expect(heat95.key).toBe(keyOf('Heat', 1995));
    expect(heat95.reason).toContain("year 1995 chose among 2 'heat'");
    expect(matcher.resolve('heat 1986').match?.key).toBe(keyOf('Heat', 1986));
    expect(matcher.resolve('Heat (1986)').match?.key).toBe(keyOf('Heat', 1986));
    const [first, second] = matcher.candidates('heat 1986', 2);
    expect(first.score).toBeGreaterThan(second.score);
  });

  it('lets popularity settle between equally good matches', () => {
    const heat = matcher.resolve('heat').match!;
    expect(heat.key).toBe(keyOf('Heat', 1995));
    expect(heat.reason).toContain("popularity chose among 2 'heat'");
    const [a, b] = matcher.candidates('heat', 2);
    expect(a.score).toBe(b.score);
  });

  it('knows alternate titles, accents, a.k.a. and punctuation inside words', () => {
    expect(resolvesTo(matcher, 'se7en')).toBe('Seven (a.k.a. Se7en)');
    expect(resolvesTo(matcher, 'seven')).toBe('Seven (a.k.a. Se7en)');
    expect(resolvesTo(matcher, 'Seven (a.k.a. Se7en)')).toBe('Seven (a.k.a. Se7en)');
    for (const q of ['amelie', 'Amélie', "le fabuleux destin d'amélie poulain", 'amelie poulain']) {
      expect(resolvesTo(matcher, q), q).toBe("Amelie (Fabuleux destin d'Amélie Poulain, Le)");
    }
    for (const q of ['wall e', 'WALL·E', 'Wall-E', 'walle']) expect(resolvesTo(matcher, q), q).toBe('WALL·E');
    expect(matcher.candidates('se7en', 1)[0].matched).toBe('se7en');
  });

  it('takes distinctive partial titles, in or out of their franchise name', () => {
    const fotr = 'Lord of the Rings: The Fellowship of the Ring, The';
    expect(resolvesTo(matcher, 'fellowship of the ring')).toBe(fotr);
    expect(matcher.resolve('fellowship of the ring').reason).toContain('partial: all query words in title');
    const esb = 'Star Wars: Episode V - The Empire Strikes Back';
    expect(resolvesTo(matcher, 'star wars empire strikes back')).toBe(esb);
    expect(resolvesTo(matcher, 'empire strikes back')).toBe(esb);
    // The name before a subtitle counts as a name ("Terminator 2"), a bit below the full title.
    expect(resolvesTo(matcher, 'terminator 2')).toBe('Terminator 2: Judgment Day');
    expect(resolvesTo(matcher, 'terminator')).toBe('Terminator, The');
  });

  it('does not take a single common word for a title unless it is the whole title', () => {
    expect(matcher.resolve('dog').match).toBeNull();
    expect(matcher.resolve('shark').match).toBeNull();
    expect(matcher.resolve('day').match).toBeNull();
    expect(resolvesTo(matcher, 'love')).toBe('Love');
    expect(resolvesTo(matcher, 'love actually')).toBe('Love Actually');
  });

  it('reads prompts as prompts even when they share words with titles', () => {
    for (const q of [
      'a giant shark terrorizes a beach town',
      'bleak dystopian sci-fi',
      'funny movie about a dog',
      'a mafia movie like the godfather',
      'something like the matrix but funnier',
      'love story set in paris during the war',
      'a movie about a robot left alone on earth',
    ]) {
      const { match, reason } = matcher.resolve(q);
      expect(match, q).toBeNull();
      expect(reason).toMatch(/prompt/);
    }
  });

  it('reads roman numerals and digits alike, but never confuses sequel numbers', () => {
    expect(resolvesTo(matcher, 'rocky 2')).toBe('Rocky II');
    expect(resolvesTo(matcher, 'Rocky II')).toBe('Rocky II');
    expect(resolvesTo(matcher, 'rocky iii')).toBe('Rocky III');
    expect(resolvesTo(matcher, 'rocky')).toBe('Rocky');
    expect(matcher.resolve('rocky 4').match).toBeNull();
    expect(resolvesTo(matcher, 'godfather part 2')).toBe('Godfather: Part II, The');
    expect(resolvesTo(matcher, 'godfather 2')).toBe('Godfather: Part II, The');
  });

  it('accepts a filler word like "movie" next to a whole title', () => {
    expect(resolvesTo(matcher, 'jaws movie')).toBe('Jaws');
    expect(resolvesTo(matcher, 'the matrix film')).toBe('Matrix, The');
  });

  it('returns candidates best first, scored 0..1, at most n', () => {
    const list = matcher.candidates('godfather', 5);
    expect(list.map((c) => entries[c.key].title)).toEqual(['Godfather, The', 'Godfather: Part II, The']);
    expect(list[0].score).toBeGreaterThan(list[1].score);
    for (const c of matcher.candidates('rocky', 10)) {
      expect(c.score).toBeGreaterThanOrEqual(0);
      expect(c.score).toBeLessThanOrEqual(1);
    }
    expect(matcher.candidates('rocky', 1)).toHaveLength(1);
    expect(matcher.candidates('rocky', 0)).toEqual([]);
    expect(matcher.candidates('bleak dystopian sci-fi')).toEqual([]);
  });

  it('survives empty, huge, binary, emoji and non-Latin input without a match', () => {
    let seed = 7;
    const binary = Array.from({ length: 10_000 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return String.fromCharCode(seed % 65_536);
    }).join('');
    for (const q of [
      '',
      '   \t\n',
      'x'.repeat(10_000),
      'love '.repeat(2_000),
      'the matrix '.repeat(1_000),
      binary,
      '🎬🍿🎥',
      '千と千尋の神隠し',
      'Война и мир',
      '\u0000\u0001\u0002',
      '((((((((',
      'the',
      '1995',
    ]) {
      expect(matcher.resolve(q).match, q.slice(0, 20)).toBeNull();
      expect(Array.isArray(matcher.candidates(q))).toBe(true);
    }
    expect(matcher.resolve('').reason).toBe('no Latin letters or digits to match titles by');
  });
});

describe('TitleMatcher updates', () => {
  it('upserts new and edited movies and forgets removed ones', () => {
    const matcher = new TitleMatcher(entries);
    matcher.upsert({ key: 100, title: 'Heat', year: 2013, popularity: 10_000 });
    expect(matcher.resolve('heat').match?.key).toBe(100);
    expect(matcher.resolve('heat 1995').match?.key).toBe(keyOf('Heat', 1995));
    matcher.remove(100);
    expect(matcher.resolve('heat').match?.key).toBe(keyOf('Heat', 1995));

    // An edit replaces the old names at once.
    matcher.upsert({ key: keyOf('Jaws'), title: 'Jaws: The Revenge', year: 1987, popularity: 5 });
    expect(matcher.resolve('jaws the revenge').match?.key).toBe(keyOf('Jaws'));
    expect(matcher.candidates('jaws').every((c) => c.matched !== 'jaws' || c.reason !== 'exact title')).toBe(
      true,
    );

    // "dog" becomes a title once a film is called that.
    matcher.upsert({ key: 101, title: 'Dog', year: 2022, popularity: 1 });
    expect(matcher.resolve('dog').match?.key).toBe(101);

    matcher.remove(keyOf('Matrix, The'));
    expect(matcher.resolve('the matrix').match).toBeNull();
    matcher.remove(12_345); // unknown keys are ignored
  });

  it('stays correct after enough removals to compact the index', () => {
    const many: TitleEntry[] = Array.from({ length: 6_000 }, (_, k) => ({
      key: 1_000 + k,
      title: `Filler Movie Number ${k}`,
      year: 2000,
      popularity: 1,
    }));
    const matcher = new TitleMatcher([...entries, ...many]);
    for (const e of many) matcher.remove(e.key);
    expect(matcher.resolve('filler movie number 5').match).toBeNull();
    expect(resolvesTo(matcher, 'godfater')).toBe('Godfather, The');
    matcher.upsert({ key: 1_000, title: 'Filler Movie Number 0', year: 2000, popularity: 1 });
    expect(matcher.resolve('filler movie number 0').match?.key).toBe(1_000);
  });
});

const dir = path.resolve(process.cwd(), '../shared/datasets/ml-latest-small');

describe('TitleMatcher on ml-latest-small', () => {
  it.skipIf(!existsSync(dir))(
    'resolves typo, article, year and partial queries on the real catalog',
    async () => {
      const dataset = await loadMovieLens(dir, { withTags: false, withLinks: false });
      const counts = dataset.ratings.itemCounts();
      const matcher = new TitleMatcher(
        dataset.movies.map((m, key) => ({ key, title: m.title, year: m.year, popularity: counts[key] })),
      );
      const expected: [query: string, title: string, year: number][] = [
        ['godfater', 'Godfather, The', 1972],
        ['the matrix', 'Matrix, The', 1999],
        ['matrix the', 'Matrix, The', 1999],
        ['heat 1995', 'Heat', 1995],
        ['fellowship of the ring', 'Lord of the Rings: The Fellowship of the Ring, The', 2001],
        ['se7en', 'Seven (a.k.a. Se7en)', 1995],
        ['amelie', "Amelie (Fabuleux destin d'Amélie Poulain, Le)", 2001],
        ['wall e', 'WALL·E', 2008],
        ['terminaor 2', 'Terminator 2: Judgment Day', 1991],
        ['pulp ficton', 'Pulp Fiction', 1994],
        ['star wars empire strikes back', 'Star Wars: Episode V - The Empire Strikes Back', 1980],
        ['forest gump', 'Forrest Gump', 1994],
        ['shawshank redemtion', 'Shawshank Redemption, The', 1994],
        ['eternal sunshine', 'Eternal Sunshine of the Spotless Mind', 2004],
        ['rocky 2', 'Rocky II', 1979],
        ['the godfather part ii', 'Godfather: Part II, The', 1974],
        ['spiderman', 'Spider-Man', 2002],
        ['lion king 1994', 'Lion King, The', 1994],
        ['back to the futur', 'Back to the Future', 1985],
        ['figth club', 'Fight Club', 1999],
        ['schindlers list', "Schindler's List", 1993],
        ['lock stock & two smoking barrels', 'Lock, Stock & Two Smoking Barrels', 1998],
        ['monty python holy grail', 'Monty Python and the Holy Grail', 1975],
        ['mission impossible', 'Mission: Impossible', 1996],
        ['usual suspect', 'Usual Suspects, The', 1995],
      ];
      const wrong: string[] = [];
      for (const [query, title, year] of expected) {
        const { match, reason } = matcher.resolve(query);
        const got = match === null ? null : dataset.movies[match.key];
        if (got?.title !== title || got.year !== year) {
          wrong.push(`${query} → ${got === null ? 'none' : `${got?.title} (${got?.year})`}: ${reason}`);
        }
      }
      expect(wrong).toEqual([]);

      for (const prompt of [
        'a giant shark terrorizes a beach town',
        'bleak dystopian sci-fi',
        'funny movie about a dog',
        'a movie about time travel',
        'space adventure with robots',
        'heartwarming animated film for kids',
        'romantic comedy set in paris',
        'something like the matrix but funnier',
        'dog',
        'zombies',
      ]) {
        const { match } = matcher.resolve(prompt);
        expect(match === null ? null : dataset.movies[match.key].title, prompt).toBeNull();
      }
      // A prompt's best title stays well under the threshold, not just under it.
      const [shark] = matcher.candidates('a giant shark terrorizes a beach town', 1);
      expect(shark === undefined || shark.score < RESOLVE_THRESHOLD - 0.2).toBe(true);
    },
  );
});
