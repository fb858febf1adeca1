import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env as hf } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TextEncoder } from './encoder.js';
import { expectedEmbedding, type OnnxFixture, SENTENCE, writeOnnxFixture } from './onnx.fixture.js';
import { loadTransformerEncoder, TextModelUnavailable, transformerSettings } from './transformer.js';

const MANIFEST_IDS = [101, 1037, 21657, 1040, 27268, 7361, 2937, 2925, 2073, 6681, 3627, 102];

const rows = (m: Float32Array, dim: number) =>
  Array.from({ length: m.length / dim }, (_, i) => m.subarray(i * dim, (i + 1) * dim));
const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(tol);
}

/** Fails the test on any network use: the library's fetch goes through env.fetch. */
async function withoutNetwork<T>(run: () => Promise<T>): Promise<{ result: T; fetches: string[] }> {
  const fetches: string[] = [];
  const saved = hf.fetch;
  hf.fetch = async (url: string | URL) => {
    fetches.push(String(url));
    throw new Error('network disabled in this test');
  };
  try {
    return { result: await run(), fetches };
  } finally {
    hf.fetch = saved;
  }
}

describe('transformer encoder on the project-generated ONNX model', () => {
  let fx: OnnxFixture;
  let enc: TextEncoder;

  beforeAll(async () => {
    fx = writeOnnxFixture({ dim: 8 });
    const loaded = await withoutNetwork(() => loadTransformerEncoder({ model: fx.dir, allowRemote: false }));
    expect(loaded.fetches).toEqual([]);
    enc = loaded.result;
  });
  afterAll(async () => {
    await enc?.close?.();
    rmSync(fx.dir, { recursive: true, force: true });
  });

  it('reports the model width and a name', () => {
    expect(enc.dim).toBe(fx.dim);
    expect(enc.name).toMatch(/^transformer:/);
  });

  it('mean-pools the table rows of the real token ids, [CLS] and [SEP] included, then normalises', async () => {
    // The ids MANIFEST.md gives for the real tokenizer; the tiny generated one has its own.
    const ids = fx.realTokenizer ? MANIFEST_IDS : fx.sentenceIds;
    const out = await enc.encode([SENTENCE]);
    expectClose(out, expectedEmbedding(fx, ids));
    // Without [CLS]/[SEP] the answer differs: pooling covers every token the mask keeps.
    expect(Math.abs(out[0] - expectedEmbedding(fx, ids.slice(1, -1))[0])).toBeGreaterThan(1e-4);
  });

  it('encodes 70 texts in batches of 32 exactly as one by one: padding never enters the mean', async () => {
    const words = SENTENCE.split(' ');
    const texts = Array.from({ length: 70 }, (_, i) =>
      Array.from({ length: 1 + ((i * 7) % 23) }, (_, j) => words[(i + j) % words.length]).join(' '),
    );
    const batched = await loadTransformerEncoder({ model: fx.dir, allowRemote: false, batchSize: 32 });
    const all = await batched.encode(texts);
    await batched.close?.();
    expect(all.length).toBe(70 * fx.dim);
    const single = await Promise.all(texts.map((t) => enc.encode([t])));
    rows(all, fx.dim).forEach((row, i) => {
      expectClose(row, single[i]);
      expect(norm(row)).toBeCloseTo(1, 5);
    });
  });

  it('truncates to maxLength tokens, [CLS] and [SEP] kept', async () => {
    const short = await loadTransformerEncoder({ model: fx.dir, allowRemote: false, maxLength: 5 });
    const out = await short.encode([SENTENCE]);
    await short.close?.();
    const ids = fx.sentenceIds;
    expectClose(out, expectedEmbedding(fx, [...ids.slice(0, 4), ids[ids.length - 1]]));
  });

  it('gives an all-zero row for an empty or blank text and keeps row order around it', async () => {
    const out = await enc.encode(['', SENTENCE, '   ']);
    const [a, b, c] = rows(out, fx.dim);
    expect(Array.from(a).every((v) => v === 0)).toBe(true);
    expect(Array.from(c).every((v) => v === 0)).toBe(true);
    expectClose(b, expectedEmbedding(fx, fx.sentenceIds));
    expect((await enc.encode([])).length).toBe(0);
  });

  it('also runs on the tiny generated tokenizer when the shared one is absent', async () => {
    const tiny = writeOnnxFixture({ dim: 4, tokenizerFrom: null });
    try {
      expect(tiny.realTokenizer).toBe(false);
      const e = await loadTransformerEncoder({ model: tiny.dir, allowRemote: false });
      expect(e.dim).toBe(4);
      expectClose(await e.encode([SENTENCE]), expectedEmbedding(tiny, tiny.sentenceIds));
      await e.close?.();
    } finally {
      rmSync(tiny.dir, { recursive: true, force: true });
    }
  });
});

describe('when no model can be had', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'cinerec-textcache-'));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('a missing model directory is TextModelUnavailable naming the directory and the fix', async () => {
    const dir = join(cacheDir, 'no-such-model');
    const err = await loadTransformerEncoder({ model: dir, cacheDir, allowRemote: true }).catch((e) => e);
    expect(err).toBeInstanceOf(TextModelUnavailable);
    expect(err.message).toContain(dir);
    expect(err.message).toContain('onnx/model_quantized.onnx');
    expect(err.message).toContain('CINEREC_TEXT_MODEL');
  });

  it('a directory with the tokenizer but no weights is TextModelUnavailable', async () => {
    const fx = writeOnnxFixture({ dim: 4, tokenizerFrom: null });
    rmSync(join(fx.dir, 'onnx'), { recursive: true });
    const err = await loadTransformerEncoder({ model: fx.dir, allowRemote: false }).catch((e) => e);
    rmSync(fx.dir, { recursive: true, force: true });
    expect(err).toBeInstanceOf(TextModelUnavailable);
    expect(err.message).toMatch(/model_quantized\.onnx.*model\.onnx/);
  });

  it('remote disabled and an unknown id fail with the same error, without touching the network', async () => {
    const { result: err, fetches } = await withoutNetwork(() =>
      loadTransformerEncoder({ model: 'nobody/no-such-model', cacheDir, allowRemote: false }).catch((e) => e),
    );
    expect(fetches).toEqual([]);
    expect(err).toBeInstanceOf(TextModelUnavailable);
    expect(err.message).toContain('nobody/no-such-model');
    expect(err.message).toContain('downloads are disabled');
    expect(err.message).toContain('CINEREC_TEXT_MODEL');
  });

  it('leaves the library environment as it found it, after a load and after a failed one', async () => {
    const snapshot = () => [hf.allowRemoteModels, hf.allowLocalModels, hf.localModelPath, hf.cacheDir];
    const before = snapshot();
    const fx = writeOnnxFixture({ dim: 4, tokenizerFrom: null });
    const loads = [fx.dir, join(fx.dir, 'missing')].map((model) =>
      loadTransformerEncoder({ model, cacheDir, allowRemote: true }).then((e) => e.close?.()),
    );
    const [ok, failed] = await Promise.allSettled(loads);
    rmSync(fx.dir, { recursive: true, force: true });
    expect(ok.status).toBe('fulfilled');
    expect(failed.status).toBe('rejected');
    expect(snapshot()).toEqual(before);
  });
});

describe('transformerSettings', () => {
  it('reads CINEREC_TEXT_MODEL, CINEREC_HOME and CINEREC_TEXT_OFFLINE', () => {
    expect(transformerSettings({})).toMatchObject({ model: 'all-MiniLM-L6-v2', allowRemote: true });
    const s = transformerSettings({
      CINEREC_TEXT_MODEL: '/models/minilm',
      CINEREC_HOME: '/srv/cinerec',
      CINEREC_TEXT_OFFLINE: '1',
    });
    expect(s).toEqual({ model: '/models/minilm', cacheDir: '/srv/cinerec/text-models', allowRemote: false });
  });
});
