import { describe, expect, it } from 'vitest';
import { checkerboard } from '../../test/contract.js';
import { decodeArtifact, encodeArtifact } from './artifact.js';
import { Baseline } from './baseline.js';

describe('model artifacts', () => {
  it('encode the same model to the same bytes every time', async () => {
    const { train } = checkerboard();
    const model = await new Baseline().fit(train);
    expect(
      encodeArtifact(model, train, { dataset: 'x' }).equals(encodeArtifact(model, train, { dataset: 'x' })),
    ).toBe(true);
  });

  it('refuse an edited header as well as an edited payload', async () => {
    const { train } = checkerboard();
    const model = await new Baseline().fit(train);
    const bytes = encodeArtifact(model, train);
    const text = bytes.toString('latin1');
    const mu = /"mu":([0-9.]+)/.exec(text);
    expect(mu).not.toBeNull();
    const edited = Buffer.from(text.replace(mu![0], `"mu":${'9'.repeat(mu![1].length)}`), 'latin1');
    expect(edited.length).toBe(bytes.length);
    expect(() => decodeArtifact(edited, 'edited')).toThrow(/checksum mismatch/);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] ^= 1;
    expect(() => decodeArtifact(flipped, 'flipped')).toThrow(/checksum mismatch/);
    expect(() => decodeArtifact(bytes.subarray(0, 20), 'short')).toThrow(/truncated|checksum/);
    expect(() => decodeArtifact(Buffer.from('not an artifact at all'), 'junk')).toThrow(/bad magic/);
  });

  it('give back the training interactions with their timestamps', async () => {
    const { train } = checkerboard();
    const model = await new Baseline().fit(train);
    const { train: restored, header } = decodeArtifact(encodeArtifact(model, train, { note: 1 }));
    expect(header.info).toEqual({ note: 1 });
    const key = (t: typeof train, k: number) =>
      `${t.users[k]}:${t.items[k]}:${t.ratings[k]}:${t.timestamps[k]}`;
    const original = Array.from({ length: train.size }, (_, k) => key(train, k)).sort();
    const back = Array.from({ length: restored.size }, (_, k) => key(restored, k)).sort();
    expect(back).toEqual(original);
  });
});
