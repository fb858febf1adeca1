import { describe, expect, it } from 'vitest';
import { toRawId } from './index.js';

describe('toRawId', () => {
  it('turns plain safe decimal integers into numbers and keeps everything else as given', () => {
    expect(['0', '42', '9007199254740991'].map(toRawId)).toEqual([0, 42, 9007199254740991]);
    for (const text of ['042', '00', 'u1', '1.5', '-3', '+3', ' 7', '1e3', '', '9007199254740992']) {
      expect(toRawId(text)).toBe(text);
    }
  });
});
