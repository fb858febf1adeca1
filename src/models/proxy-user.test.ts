import { describe, expect, it } from 'vitest';
import { Interactions } from '../data/interactions.js';
import { Popularity } from './popularity.js';
import { matchProxyUser, ratingsFromList, recommendFromList } from './proxy-user.js';

/**
 *        i0 i1 i2 i3 i4 i5
 *   u0    5  3  .  .  .  4
 *   u1    4  4  2  .  .  .
 *   u2    2  5  5  .  1  .
 *   u3    .  .  .  5  .  .
 */
function tiny(): Interactions {
  const t: [number, number, number][] = [
    [0, 0, 5],
    [0, 1, 3],
    [0, 5, 4],
    [1, 0, 4],
    [1, 1, 4],
    [1, 2, 2],
    [2, 0, 2],
    [2, 1, 5],
    [2, 2, 5],
    [2, 4, 1],
    [3, 3, 5],
  ];
  return new Interactions(
    4,
    7,
    Int32Array.from(t, (x) => x[0]),
    Int32Array.from(t, (x) => x[1]),
    Float32Array.from(t, (x) => x[2]),
    new Float64Array(t.length),
  );
}

describe('matchProxyUser', () => {
  it('picks the user who rated most of the list, then the higher mean, then the lower index', () => {
    const train = tiny();
    // u1 and u2 rated all three; u2's mean 12/3 = 4 beats u1's 10/3.
    expect(matchProxyUser(train, Int32Array.from([0, 1, 2]))).toEqual({
      user: 2,
      matchCount: 3,
      meanRating: 4,
    });
    // u0, u1, u2 rated both; u0 and u1 tie at mean 4 (u2 has 3.5): the lower index wins.
    expect(matchProxyUser(train, Int32Array.from([1, 0]))).toEqual({ user: 0, matchCount: 2, meanRating: 4 });
    // Only u0 rated two of these (i0 and i5); everyone else one.
    expect(matchProxyUser(train, Int32Array.from([5, 0, 3]))).toEqual({
      user: 0,
      matchCount: 2,
      meanRating: 4.5,
    });
    expect(matchProxyUser(train, Int32Array.from([3]))).toEqual({ user: 3, matchCount: 1, meanRating: 5 });
  });

  it('ignores repeated and unknown items and answers null when nobody rated the list', () => {
    const train = tiny();
    // Counted twice, i3 would give u3 two matches; counted once, all four users match once and
    // u0 (5 for i0) ties u3 (5 for i3) on the mean, so the lower index wins.
    expect(matchProxyUser(train, [3, 3, 0, 99, -1, 2.5])).toEqual({ user: 0, matchCount: 1, meanRating: 5 });
    expect(matchProxyUser(train, [6])).toBeNull();
    expect(matchProxyUser(train, [])).toBeNull();
    // The reused tallies are clean after each call.
    expect(matchProxyUser(train, Int32Array.from([0, 1, 2]))).toEqual({
      user: 2,
      matchCount: 3,
      meanRating: 4,
    });
  });
});

describe('list helpers', () => {
  it('turns a list into fold-in ratings: known items once, ascending', () => {
    const list = ratingsFromList([4, 1, 4, 7, -2], 7, 4.5);
    expect(Array.from(list.items)).toEqual([1, 4]);
    expect(Array.from(list.ratings)).toEqual([4.5, 4.5]);
  });

  it('recommends through the proxy without the listed or proxy-seen movies, or by fold-in', async () => {
    const model = await new Popularity({ rankBy: 'count' }).fit(tiny());
    // Proxy of [0, 1, 2] is u2, who saw 0, 1, 2, 4; by count 5 and 3 remain (6 has no ratings).
    const viaProxy = recommendFromList(model, [0, 1, 2], { strategy: 'proxy', n: 5 });
    expect(viaProxy.proxy?.user).toBe(2);
    expect(Array.from(viaProxy.ranked.ids)).toEqual([3, 5, 6]);
    const only = recommendFromList(model, [0, 1, 2], { strategy: 'proxy', only: Int32Array.from([0, 5]) });
    expect(Array.from(only.ranked.ids)).toEqual([5]);
    const folded = recommendFromList(model, [0, 1, 2], { n: 5 });
    expect(folded.proxy).toBeNull();
    expect(Array.from(folded.ranked.ids)).toEqual([3, 4, 5, 6]);
    expect(recommendFromList(model, [6], { strategy: 'proxy' }).ranked.ids.length).toBe(0);
  });
});
