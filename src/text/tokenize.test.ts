import { describe, expect, it } from 'vitest';
import { foldText, MAX_TEXT_CHARS, tokenize } from './tokenize.js';

describe('tokenize', () => {
  it('drops English stop words and the domain words of a search box', () => {
    expect(tokenize('I want to watch a movie about the sea')).toEqual(['sea']);
    expect(tokenize('films, movies, flicks and something')).toEqual([]);
    expect(tokenize('the of and a an')).toEqual([]);
  });

  it('drops single characters but keeps two-character words and digits', () => {
    expect(tokenize('x y z 7 ok 42')).toEqual(['ok', '42']);
  });

  it('Porter-stems Latin words so inflections meet', () => {
    expect(tokenize('A shark terrorizes the beach')).toEqual(['shark', 'terror', 'beach']);
    expect(tokenize('terrorized')).toEqual(tokenize('terrorizes'));
    expect(tokenize('running runs')).toEqual(['run', 'run']);
  });

  it('folds accents and case before anything else', () => {
    expect(foldText('Amélie')).toBe('amelie');
    expect(foldText('CRÈME Brûlée')).toBe('creme brulee');
    expect(tokenize('Amélie')).toEqual(tokenize('amelie'));
    expect(tokenize('Amélie')).toEqual(['ameli']);
    expect(tokenize('Crème brûlée')).toEqual(tokenize('creme brulee'));
  });

  it('keeps the marks that are part of letters in other scripts', () => {
    expect(foldText('がぎ')).toBe('がぎ'); // not かき
    expect(foldText('Чай')).toBe('чай'); // not чаи
    expect(foldText('Ἀθῆναι')).toBe('αθηναι'); // Greek accents fold, as Latin ones
    expect(foldText('Ｓｈａｒｋ ﬁlm')).toBe('shark film'); // compatibility forms still fold
  });

  it('gives sci-fi, scifi, sci fi and Science Fiction the same single term', () => {
    const expected = ['scifi'];
    for (const text of ['sci-fi', 'scifi', 'Sci Fi', 'SCI-FI', 'Science Fiction', 'science-fiction']) {
      expect(tokenize(text), text).toEqual(expected);
    }
    // The phrase is joined before "film" is dropped as a domain word.
    expect(tokenize('film noir')).toEqual(['noir']);
    expect(tokenize('Film-Noir')).toEqual(['noir']);
    expect(tokenize('a space science fiction epic')).toEqual(['space', 'scifi', 'epic']);
  });

  it('keeps words of non-Latin scripts as terms, unstemmed', () => {
    expect(tokenize('千と千尋の神隠し 宮崎')).toEqual(['千と千尋の神隠し', '宮崎']);
    // "слезам" would lose its ending to a stemmer; Cyrillic is lower-cased only.
    expect(tokenize('Москва слезам не верит')).toEqual(['москва', 'слезам', 'не', 'верит']);
    expect(tokenize('Ἀθῆναι')).toEqual(['αθηναι']);
  });

  it('yields no terms for emoji-only, punctuation-only and empty text', () => {
    expect(tokenize('🎬🍿🦈')).toEqual([]);
    expect(tokenize('!!! ... ??? — …')).toEqual([]);
    expect(tokenize('')).toEqual([]);
    expect(tokenize('   \n\t ')).toEqual([]);
  });

  it('appends to the array it is given', () => {
    const out = ['kept'];
    expect(tokenize('sharks', out)).toBe(out);
    expect(out).toEqual(['kept', 'shark']);
  });

  it('reads only the first MAX_TEXT_CHARS characters of a long paste', () => {
    // "shark " is 6 characters: 666 of them fill 3996, then a word that straddles the cut
    // ("whale" cut to "whal" would be a term of its own), then zebras well past 10 KB.
    const head = 'shark '.repeat(666);
    const text = `${head}whale ${'zebra '.repeat(2000)}`;
    expect(text.length).toBeGreaterThan(10_000);
    expect(head.length).toBe(MAX_TEXT_CHARS - 4);
    const terms = tokenize(text);
    expect(terms.filter((t) => t === 'shark')).toHaveLength(666);
    expect(terms.slice(666)).toEqual(['whal']);
    expect(terms).not.toContain('zebra');
    expect(foldText(text)).toHaveLength(MAX_TEXT_CHARS);
  });
});
