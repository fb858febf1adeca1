import { describe, expect, it } from 'vitest';
import { namesFromList, parsePyLiteral } from './pyliteral.js';
import { displayTitle, normalizeTitle, parseTitle, titleKeys } from './titles.js';

describe('parseTitle', () => {
  it('takes the trailing year and keeps articles and alternate titles', () => {
    expect(parseTitle('Toy Story (1995)')).toEqual({ title: 'Toy Story', year: 1995 });
    expect(parseTitle('Matrix, The (1999)')).toEqual({ title: 'Matrix, The', year: 1999 });
    expect(parseTitle('City of Lost Children, The (Cité des enfants perdus, La) (1995)')).toEqual({
      title: 'City of Lost Children, The (Cité des enfants perdus, La)',
      year: 1995,
    });
    expect(parseTitle('Fawlty Towers (1975-1979)')).toEqual({ title: 'Fawlty Towers', year: 1975 });
    expect(parseTitle('Babylon 5')).toEqual({ title: 'Babylon 5', year: null });
    expect(parseTitle('Hyena Road (2015) ')).toEqual({ title: 'Hyena Road', year: 2015 });
    expect(parseTitle('(1995)')).toEqual({ title: '(1995)', year: null });
  });
});

describe('displayTitle', () => {
  it('moves articles to the front, in alternate titles too', () => {
    expect(displayTitle('Matrix, The')).toBe('The Matrix');
    expect(displayTitle('City of Lost Children, The (Cité des enfants perdus, La)')).toBe(
      'The City of Lost Children (La Cité des enfants perdus)',
    );
    expect(displayTitle("Auberge espagnole, L'")).toBe("L'Auberge espagnole");
    expect(displayTitle('Seven (a.k.a. Se7en)')).toBe('Seven (a.k.a. Se7en)');
    expect(displayTitle('Good, the Bad and the Ugly, The')).toBe('The Good, the Bad and the Ugly');
    expect(displayTitle('Toy Story')).toBe('Toy Story');
  });
});

describe('normalizeTitle and titleKeys', () => {
  it('makes both spellings of a title agree', () => {
    expect(normalizeTitle('Matrix, The')).toBe('matrix');
    expect(normalizeTitle('The Matrix')).toBe('matrix');
    expect(normalizeTitle('Amélie')).toBe('amelie');
    expect(normalizeTitle('Lock, Stock & Two Smoking Barrels')).toBe('lock stock and two smoking barrels');
    expect(titleKeys('Seven (Se7en)')).toEqual(['seven', 'se7en']);
    expect(titleKeys('Shanghai Triad (a.k.a. Yao a yao)')).toEqual(['shanghai triad', 'yao a yao']);
  });
});

describe('Python literals', () => {
  it('reads keyword lists with either quote and escapes', () => {
    const cell = `[{'id': 931, 'name': 'jealousy'}, {'id': 15101, 'name': "based on children's book"}, {'id': 2, 'name': 'it\\'s \\u00e9'}]`;
    expect(namesFromList(cell)).toEqual(['jealousy', "based on children's book", "it's é"]);
    expect(namesFromList('[{"id": 28, "name": "Action"}]')).toEqual(['Action']);
    expect(namesFromList('[]')).toEqual([]);
    expect(namesFromList('')).toEqual([]);
  });

  it('parses nested values and reports errors with an offset', () => {
    expect(parsePyLiteral("{'a': [1, -2.5e1, None, True, (3,)], 'b': {}}")).toEqual({
      a: [1, -25, null, true, [3]],
      b: {},
    });
    expect(() => parsePyLiteral("[{'name': 'open}]")).toThrow(/never closed/);
    expect(() => parsePyLiteral('[1 2]')).toThrow(/offset 3/);
  });
});
