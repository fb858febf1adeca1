import { describe, expect, it } from 'vitest';
import type { Movie } from '../data/dataset.js';
import { Bm25 } from './bm25.js';
import {
  buildTextSearch,
  popularityPrior,
  restoreTextSearch,
  type TextSearchOptions,
  textSearchState,
} from './build.js';
import { movieDocument } from './document.js';
import { MIN_EXPANSION_DF, rocchio, type SearchHit, type SearchMode, type TextSearch } from './search.js';

/** "Title|Genre,Genre|Overview|keyword keyword" */
const movie = (line: string): Movie => {
  const [title, genres, overview, keywords] = line.split('|');
  return {
    movieId: title,
    title,
    year: null,
    genres: genres.split(','),
    overview,
    keywords: keywords.split(' '),
  };
};

const MOVIES: Movie[] = [
  'Jaws|Thriller|A great white shark terrorizes a quiet beach town.|shark beach',
  'Deep Blue Sea|Action|Scientists on an ocean research station fight smart sharks.|shark ocean',
  'The Abyss|Sci-Fi|Divers find an alien presence in the ocean depths.|ocean alien underwater',
  'Alien|Horror,Sci-Fi|A spaceship crew meets a deadly alien creature.|alien spaceship',
  'Toy Story|Animation,Children|Toys come alive when their owner leaves the room.|toy friendship',
  'Godzilla|Action|A giant kaiju rises from the sea and attacks Tokyo.|kaiju monster tokyo',
  'Heat|Crime|A detective hunts a crew of professional bank robbers.|heist bank detective',
  'Se7en|Crime,Thriller|Two detectives hunt a serial killer in a rainy city.|detective murder',
  'Stagecoach|Western|Strangers ride a stagecoach through dangerous desert land.|cowboy desert',
  'The Good the Bad|Western|Three gunslingers race to find buried gold.|cowboy gold gunslinger',
  // Two films of identical text (10 and 11).
  'Lighthouse Keeper|Drama|A lonely keeper tends a lighthouse on a storm island.|lighthouse',
  'Lighthouse Keeper|Drama|A lonely keeper tends a lighthouse on a storm island.|lighthouse',
  'Sky Pirates|Adventure|Pilots raid a zeppelin above the clouds.|zeppelin airship',
  'Toy Soldiers|Comedy|Toy soldiers march through a toy shop at night.|toy soldier',
].map(movie);
const MODES: SearchMode[] = ['fusion', 'lexical', 'dense'];
const build = (options: TextSearchOptions = {}) =>
  buildTextSearch(MOVIES, { ...options, encoder: { lsaDims: 8, ...options.encoder } });
const items = (hits: SearchHit[]) => hits.map((h) => h.item);
/** Document d of the search's corpus, as a term bag. */
const docBag = (search: TextSearch, d: number) => {
  const { indptr, indices, values } = search.corpus;
  return { terms: indices.slice(indptr[d], indptr[d + 1]), weights: values.slice(indptr[d], indptr[d + 1]) };
};

describe('TextSearch', () => {
  it('puts the film with an exact keyword first in lexical mode', () => {
    const search = build();
    const kaiju = search.search('kaiju', 5, { mode: 'lexical' });
    expect(items(kaiju)).toEqual([5]); // no other film has the word
    const sharks = search.search('sharks', 5, { mode: 'lexical' });
    expect(new Set(items(sharks))).toEqual(new Set([0, 1]));
    expect(items(search.search('zeppelin airship', 5, { mode: 'dense' }))[0]).toBe(12);
  });

  it('scores a fused hit as the sum of its parts, each part 1/(rrfK + rank) times its weight', () => {
    const counts = MOVIES.map((_, i) => 3 * i);
    // Without feedback: one pass, so fusion reads the very lists the single modes return.
    const fusion = {
      rrfK: 20,
      lexicalWeight: 0.7,
      denseWeight: 1.3,
      popularityWeight: 0.4,
      feedbackDepth: 0,
    };
    const search = build({ ratingCounts: counts, fusion });
    const prior = popularityPrior(MOVIES.length, counts);
    for (const query of ['shark ocean', 'detective city', 'toy', 'cowboy gold', 'alien spaceship']) {
      const hits = search.search(query, 20);
      expect(hits.length).toBeGreaterThan(1);
      hits.forEach((h, r) => {
        expect(h.score).toBe(h.parts.lexical + h.parts.dense + h.parts.popularity);
        expect(h.parts.lexical).toBe(h.bm25 === null ? 0 : 0.7 / (20 + h.bm25.rank));
        expect(h.parts.dense).toBe(h.dense === null ? 0 : 1.3 / (20 + h.dense.rank));
        expect(h.parts.popularity).toBeCloseTo((0.4 * prior[h.item]) / 21, 9);
        if (r > 0) expect(h.score).toBeLessThanOrEqual(hits[r - 1].score);
      });
      // BM25 ranks run 1, 2, … in order of BM25 score, and lexical mode reads the same list.
      const ranked = hits
        .filter((h) => h.bm25 !== null)
        .sort((a, b) => (a.bm25?.rank ?? 0) - (b.bm25?.rank ?? 0));
      expect(ranked.map((h) => h.bm25?.rank)).toEqual(ranked.map((_, r) => r + 1));
      for (let r = 1; r < ranked.length; r++) {
        expect(ranked[r].bm25?.score).toBeLessThanOrEqual(ranked[r - 1].bm25?.score ?? 0);
      }
      for (const h of search.search(query, 20, { mode: 'lexical' })) {
        expect(h.bm25).toEqual(hits.find((f) => f.item === h.item)?.bm25);
      }
    }
  });

  it('breaks a tie between films of identical text by popularity', () => {
    // Equal scores share a rank in each list (tiedRanks), so the popularity prior alone orders the
    // two; without it they stay in key order.
    const counts = MOVIES.map((_, i) => (i === 11 ? 50 : i === 10 ? 5 : 10));
    // Which of the two comes first (other films may come between them in dense mode, where
    // popularity can lift a film one rank).
    const order = (search: TextSearch, mode: SearchMode) =>
      items(search.search('lighthouse keeper', MOVIES.length, { mode })).filter((i) => i === 10 || i === 11);
    const flat = build({ ratingCounts: counts, fusion: { popularityWeight: 0 } });
    const known = build({ ratingCounts: counts, fusion: { popularityWeight: 0.3 } });
    for (const mode of MODES) {
      expect(order(flat, mode), mode).toEqual([10, 11]);
      expect(order(known, mode), mode).toEqual([11, 10]);
      expect(items(known.search('lighthouse keeper', 1, { mode })), mode).toEqual([11]);
    }
  });

  it('hides excluded films in every mode', () => {
    const search = build();
    for (const mode of MODES) {
      expect(items(search.search('kaiju monster', 10, { mode })), mode).toContain(5);
      const hits = search.search('kaiju monster', 10, { mode, exclude: (k) => k === 5 });
      expect(items(hits), mode).not.toContain(5);
    }
  });

  it('finds a film added after the build by a word only it has, lexically and densely', () => {
    const search = build();
    const added = movie('Airship Heist|Adventure|Thieves board a zeppelin at dawn.|zeppelin airship');
    search.remove(12);
    expect(search.search('zeppelin', 5, { mode: 'lexical' })).toEqual([]);
    for (const mode of MODES) expect(items(search.search('zeppelin', 20, { mode })), mode).not.toContain(12);
    search.upsert(MOVIES.length, movieDocument(added));
    expect(items(search.search('zeppelin', 5, { mode: 'lexical' }))).toEqual([MOVIES.length]);
    expect(items(search.search('zeppelin', 5, { mode: 'dense' }))[0]).toBe(MOVIES.length);
    expect(items(search.search('zeppelin', 5))[0]).toBe(MOVIES.length);
  });

  it('forgets a replaced film’s old words and finds it by its new ones', () => {
    const search = build();
    expect(items(search.search('shark', 5, { mode: 'lexical' }))).toContain(0);
    search.upsert(0, movieDocument(movie('Jaws|Western|A cowboy searches the desert for gold.|cowboy')));
    expect(items(search.search('shark', 5, { mode: 'lexical' }))).toEqual([1]);
    expect(items(search.search('cowboy gold', 10, { mode: 'lexical' }))).toContain(0);
  });

  it('hides a removed film in every mode and from similar()', () => {
    const search = build();
    search.remove(5);
    for (const mode of MODES)
      expect(items(search.search('kaiju monster tokyo', 10, { mode })), mode).not.toContain(5);
    for (let i = 0; i < MOVIES.length; i++)
      if (i !== 5) expect(Array.from(search.similar(i, 20).ids)).not.toContain(5);
    expect(search.similar(5, 5).ids).toHaveLength(0);
  });

  it('never returns the film itself as similar, and finds its identical twin first', () => {
    const search = build();
    for (let i = 0; i < MOVIES.length; i++) {
      const { ids } = search.similar(i, MOVIES.length);
      expect(Array.from(ids)).not.toContain(i);
    }
    const twin = search.similar(10, 1);
    expect(Array.from(twin.ids)).toEqual([11]);
    expect(twin.scores[0]).toBeCloseTo(1, 5);
    expect(Array.from(search.similar(11, 3, (k) => k === 10).ids)).not.toContain(10);
  });

  it('restores from its state to identical results', () => {
    const counts = MOVIES.map((_, i) => i + 1);
    const factors = {
      values: Float32Array.from({ length: MOVIES.length * 3 }, (_, k) => Math.sin(k + 1)),
      dims: 3,
      present: Uint8Array.from(MOVIES, (_, i) => (i % 4 === 3 ? 0 : 1)),
    };
    const search = build({ ratingCounts: counts, factors, fusion: { rrfK: 30 } });
    const { meta, arrays } = textSearchState(search);
    const restored = restoreTextSearch(JSON.parse(JSON.stringify(meta)), arrays);
    for (const query of ['shark', 'detective city', 'toy soldiers', 'lighthouse', 'alien ocean']) {
      for (const mode of MODES) {
        const hits = search.search(query, 10, { mode });
        expect(hits.length, `${query} ${mode}`).toBeGreaterThan(0);
        expect(restored.search(query, 10, { mode })).toEqual(hits);
      }
    }
    expect(Array.from(restored.similar(3, 5).ids)).toEqual(Array.from(search.similar(3, 5).ids));
  });

  it('saves the words it was built with, not those edits added, and finds an edited film again after a restore', () => {
    const search = build();
    const words = search.corpus.terms.length;
    const edit = movieDocument(movie('Jaws|Thriller|A megalodon stalks the reef.|shark megalodon'));
    search.upsert(0, edit);
    expect(items(search.search('megalodon shark', 3, { mode: 'lexical' }))[0]).toBe(0);
    const { meta, arrays } = textSearchState(search);
    expect(meta.terms).toHaveLength(words);
    const restored = restoreTextSearch(JSON.parse(JSON.stringify(meta)), arrays);
    restored.upsert(0, edit); // as TextAnswers.reconcile re-applies edits after a load
    const hits = restored.search('megalodon shark', 3, { mode: 'lexical' });
    expect(items(hits)[0]).toBe(0);
    expect(hits.every((h) => Number.isFinite(h.score))).toBe(true);
    const longer = { ...meta, terms: [...(meta.terms as string[]), 'megalodon'] };
    expect(() => restoreTextSearch(longer, arrays)).toThrow(/words but document counts/);
  });

  it('refuses to restore a state with a part missing, naming it', () => {
    const { meta, arrays } = textSearchState(build());
    for (const name of ['idf', 'lsa', 'popularity', 'indptr']) {
      const partial = { ...arrays };
      delete partial[`text.${name}`];
      expect(() => restoreTextSearch(meta, partial), name).toThrow(new RegExp(`lacks ${name} `));
    }
    expect(() => restoreTextSearch({ ...meta, terms: undefined }, arrays)).toThrow(/vocabulary/);
  });

  it('ranks dense hits by evidence-weighted cosine, reading past short documents that crowd the top', () => {
    // Eight films known by title and genre alone sit right on "shark" but count √(2/12) of their
    // cosine; the one long document must be read beyond the first 2×depth and win.
    const short = Array.from(
      { length: 8 },
      (_, i): Movie => ({ movieId: `s${i}`, title: `Shark ${i}`, year: null, genres: ['Thriller'] }),
    );
    const long = movie(
      'Open Water|Thriller|A shark circles two divers; the sharks close in.|shark sharks diver',
    );
    const films = [...short, long, ...MOVIES.slice(4)];
    const depth = 2;
    const search = buildTextSearch(films, { encoder: { lsaDims: 8 }, fusion: { depth: 1 } });
    const query = search.encodeQuery('shark') as Float32Array;
    const raw = search.index.search(query, films.length);
    const evidence = (i: number) => Math.sqrt(Math.min(1, search.corpus.lengths[i] / 12));
    const expected = Array.from(raw.ids, (item, r) => ({
      item,
      score: Math.fround(raw.scores[r] * evidence(item)),
    }))
      .filter((h) => h.score > 0)
      .sort((a, b) => b.score - a.score || a.item - b.item)
      .slice(0, depth);
    expect(Array.from(raw.ids).indexOf(8)).toBeGreaterThanOrEqual(2 * depth);
    expect(expected[0].item).toBe(8);
    const hits = search.search('shark', depth, { mode: 'dense' });
    expect(hits.map((h) => [h.item, h.dense?.score])).toEqual(expected.map((h) => [h.item, h.score]));
  });

  it('gives exactly what reading and sorting every film gives, with ties, exclusions and edits', () => {
    // Many films share words and some are identical, so both lists overflow a depth of 3 and ties
    // straddle the cut; edits add, replace and remove films.
    const films = Array.from({ length: 40 }, (_, i) =>
      movie(
        `Film ${i}|${['Drama', 'Comedy', 'Thriller'][i % 3]}|${i % 2 ? 'A storm' : 'A shark'} hits the ${i % 5 ? 'town' : 'reef'} ${'again '.repeat(i % 4)}.|${i % 7 ? 'storm' : 'shark'}`,
      ),
    );
    films[21] = { ...films[20], movieId: 'twin' };
    const search = buildTextSearch(films, { encoder: { lsaDims: 6 }, fusion: { depth: 3 } });
    search.upsert(5, movieDocument(films[20]));
    search.upsert(40, movieDocument(films[22]));
    search.remove(8);
    const bm25 = new Bm25(search.corpus);
    for (const query of ['shark reef', 'storm town', 'shark', 'again storm']) {
      for (const exclude of [(_: number) => false, (k: number) => k % 3 === 0]) {
        const live = (k: number) => k !== 8 && !exclude(k);
        // The three best live films with a positive score, ties by key: what a full sort gives.
        const best3 = (rows: { item: number; score: number }[]) =>
          rows
            .filter((h) => h.score > 0 && live(h.item))
            .sort((a, b) => b.score - a.score || a.item - b.item)
            .slice(0, 3);
        // Dense: every film's cosine times its evidence weight, best first, ties by key.
        const vector = search.encodeQuery(query) as Float32Array;
        const all = search.index.search(vector, 100, { exclude: (k) => !live(k) });
        const length = (k: number) =>
          k === 5
            ? search.corpus.lengths[20]
            : k === 40
              ? search.corpus.lengths[22]
              : search.corpus.lengths[k];
        const dense = best3(
          Array.from(all.ids, (item, r) => ({
            item,
            score: Math.fround(all.scores[r] * Math.sqrt(Math.min(1, length(item) / 12))),
          })),
        );
        const denseHits = search.search(query, 3, { mode: 'dense', exclude });
        expect(
          denseHits.map((h) => [h.item, h.dense?.score]),
          query,
        ).toEqual(dense.map((h) => [h.item, h.score]));
        // Lexical: every base film's BM25 from the postings, the edited ones' from their new text.
        const bag = search.queryBag(query);
        const base = new Float32Array(films.length);
        bm25.scoreInto(bag, base, new Int32Array(films.length));
        const lexical = best3([
          ...Array.from(base, (score, item) => ({ item, score: item === 5 ? 0 : score })),
          { item: 5, score: Math.fround(bm25.scoreBag(bag, docBag(search, 20))) },
          { item: 40, score: Math.fround(bm25.scoreBag(bag, docBag(search, 22))) },
        ]);
        const lexicalHits = search.search(query, 3, { mode: 'lexical', exclude });
        expect(
          lexicalHits.map((h) => [h.item, h.bm25?.score]),
          query,
        ).toEqual(lexical.map((h) => [h.item, h.score]));
      }
    }
  });

  it('returns nothing, without throwing, for a query with no words', () => {
    const search = build();
    for (const query of ['', '   ', '\n\t', 'the of a', '🎬🍿', 'zebra']) {
      for (const mode of MODES) expect(search.search(query, 5, { mode }), `${query} ${mode}`).toEqual([]);
    }
  });
});

describe('pseudo-relevance feedback', () => {
  // "monster" is in four films, "tokyo" in two: only the first is common enough to be added.
  const FILMS: Movie[] = [
    'Gojira|Action|A kaiju rises from the sea.|kaiju monster tokyo',
    'Rim|Action|Pilots fight in giant robots.|monster robot',
    'Cloverfield|Horror|Friends flee a thing in the city.|monster city',
    'Host|Horror|A creature crawls from the river.|monster river',
    'Lost in Translation|Drama|Two strangers meet in a hotel.|tokyo hotel',
    'Toy Story|Animation|Toys come alive.|toy friendship',
    'Heat|Crime|A detective hunts robbers.|heist detective',
  ].map(movie);
  const feedback = { feedbackDepth: 1, feedbackWeight: 0, expansionTerms: 10, expansionWeight: 0.5 };
  const make = (fusion: object) => buildTextSearch(FILMS, { encoder: { lsaDims: 4 }, fusion });

  it('is Rocchio with α = 1: (q̂ + β·ĉ)/‖·‖', () => {
    const q = Float32Array.of(2, 0);
    const c = Float32Array.of(0, 5);
    const moved = rocchio(q, c, 1);
    expect(moved[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(moved[1]).toBeCloseTo(Math.SQRT1_2, 6);
    const leaning = rocchio(q, c, 3); // (1, 3)/√10
    expect(leaning[0]).toBeCloseTo(1 / Math.sqrt(10), 6);
    expect(leaning[1]).toBeCloseTo(3 / Math.sqrt(10), 6);
    expect(Array.from(rocchio(q, c, 0))).toEqual([1, 0]);
    expect(Array.from(rocchio(q, new Float32Array(2), 2))).toEqual([1, 0]);
  });

  it('adds the found film’s common words to the BM25 query, at RM3’s interpolated weights', () => {
    expect(MIN_EXPANSION_DF).toBe(3);
    const search = make(feedback);
    expect(items(search.search('kaiju', 10, { mode: 'lexical' }))).toEqual([0]);
    const hits = search.search('kaiju', 10);
    expect(hits[0].item).toBe(0);
    // Only "monster" is added: the three other monster films come in, the other Tokyo film
    // (a word of two films) does not.
    const lexical = hits.filter((h) => h.bm25 !== null).map((h) => h.item);
    expect(new Set(lexical)).toEqual(new Set([0, 1, 2, 3]));
    // By hand: film 0's unit TF-IDF vector gives the relevance model over {kaiju, monster}; the
    // expanded query is 0.5·(kaiju: 1) + 0.5·r, times the query's total weight (1).
    const { corpus } = search;
    const bm25 = new Bm25(corpus);
    const row = (d: number) => ({
      terms: corpus.indices.subarray(corpus.indptr[d], corpus.indptr[d + 1]),
      weights: corpus.values.subarray(corpus.indptr[d], corpus.indptr[d + 1]),
    });
    const tfidf = (t: number) => {
      const bag = row(0);
      const k = Array.from(bag.terms).indexOf(t);
      return (1 + Math.log(Math.max(1, bag.weights[k]))) * bm25.idf[t];
    };
    const kaiju = corpus.terms.indexOf('kaiju');
    const monster = corpus.terms.indexOf('monster');
    const r = tfidf(monster) / (tfidf(kaiju) + tfidf(monster)); // the norm cancels
    const weights = { kaiju: 0.5 + 0.5 * (1 - r), monster: 0.5 * r };
    const expanded = {
      terms: Int32Array.of(kaiju, monster),
      weights: Float32Array.of(weights.kaiju, weights.monster),
    };
    if (kaiju > monster) {
      expanded.terms.reverse();
      expanded.weights.reverse();
    }
    for (const item of [0, 1, 2, 3])
      expect(hits.find((h) => h.item === item)?.bm25?.score).toBeCloseTo(
        bm25.scoreBag(expanded, row(item)),
        5,
      );
    expect(weights.monster).toBeLessThan(0.5);
  });

  it('changes nothing with depth 0, and never touches the lexical or dense modes', () => {
    const on = build();
    const off = build({ fusion: { feedbackDepth: 0 } });
    for (const query of ['shark ocean', 'detective city', 'toy', 'cowboy gold', 'alien']) {
      for (const mode of ['lexical', 'dense'] as const)
        expect(on.search(query, 10, { mode }), `${query} ${mode}`).toEqual(off.search(query, 10, { mode }));
    }
    const none = make({ ...feedback, feedbackDepth: 0 });
    expect(
      none
        .search('kaiju', 10)
        .filter((h) => h.bm25 !== null)
        .map((h) => h.item),
    ).toEqual([0]);
    const noTerms = make({ ...feedback, expansionTerms: 0 });
    expect(
      noTerms
        .search('kaiju', 10)
        .filter((h) => h.bm25 !== null)
        .map((h) => h.item),
    ).toEqual([0]);
  });

  it('feeds nothing back when the query’s words match fewer films than it would read', () => {
    // "kaiju" matches one film: with depth 2 nothing is added, with depth 1 "monster" is.
    const narrow = make({ ...feedback, feedbackDepth: 2 });
    expect(
      narrow
        .search('kaiju', 10)
        .filter((h) => h.bm25 !== null)
        .map((h) => h.item),
    ).toEqual([0]);
    const wide = make(feedback);
    expect(wide.search('kaiju', 10).filter((h) => h.bm25 !== null)).toHaveLength(4);
  });

  it('moves the dense query towards the found films', () => {
    // The dense list of the second pass is the index read with rocchio(query, found film's vector).
    // fullEvidence ≈ 0: no rescaling by document length, dense scores are plain cosines.
    const fusion = { feedbackDepth: 1, feedbackWeight: 1, expansionTerms: 0, fullEvidence: 1e-9 };
    const search = make(fusion);
    const first = make({ ...fusion, feedbackDepth: 0 }).search('kaiju', 1)[0].item;
    const hits = search.search('kaiju', FILMS.length);
    const query = search.encodeQuery('kaiju') as Float32Array;
    const found = search.index.vector(first) as Float32Array;
    const moved = rocchio(query, found, 1);
    const dense = hits.filter((f) => f.dense !== null);
    expect(dense.length).toBeGreaterThan(2);
    for (const h of dense) {
      const v = search.index.vector(h.item) as Float32Array;
      let cos = 0;
      for (let c = 0; c < v.length; c++) cos += v[c] * moved[c];
      expect(h.dense?.score).toBeCloseTo(cos, 5);
    }
  });
});

describe('popularityPrior', () => {
  it('is log(1 + count)/log(1 + max): max → 1, zero → 0, monotone', () => {
    const counts = [0, 10, 100, 3, 100, 1];
    const prior = popularityPrior(counts.length, counts);
    expect(prior[0]).toBe(0);
    expect(prior[2]).toBeCloseTo(1, 6);
    expect(prior[4]).toBeCloseTo(1, 6);
    expect(prior[1]).toBeCloseTo(Math.log(11) / Math.log(101), 6);
    expect(prior[3]).toBeCloseTo(Math.log(4) / Math.log(101), 6);
    const order = [0, 5, 3, 1, 2];
    for (let k = 1; k < order.length; k++) expect(prior[order[k]]).toBeGreaterThan(prior[order[k - 1]]);
  });

  it('is zero without counts, with all-zero counts, and past the counts’ end', () => {
    expect(Array.from(popularityPrior(3, undefined))).toEqual([0, 0, 0]);
    expect(Array.from(popularityPrior(3, [0, 0, 0]))).toEqual([0, 0, 0]);
    expect(Array.from(popularityPrior(3, [7]))).toEqual([1, 0, 0]);
  });
});
