/**
 * A sentence-transformer TextEncoder through @huggingface/transformers (onnxruntime-node, CPU):
 * tokenise with truncation, run the ONNX model, mean-pool the last hidden state over the attention
 * mask, L2-normalise.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
// Type-only: the library (and onnxruntime's native binding) loads when a model is asked for, not
// in every process that imports the content model.
import type * as Transformers from '@huggingface/transformers';
import { loadSettings } from '../config.js';
import { log } from '../util/log.js';
import type { TextEncoder } from './encoder.js';

export const DEFAULT_TEXT_MODEL = 'all-MiniLM-L6-v2';

export interface TransformerOptions {
  /** A Hub model id (a bare name means `Xenova/<name>`) or a local directory. */
  model?: string;
  /** Where downloads are cached (transformers.js `env.cacheDir`). */
  cacheDir?: string;
  allowRemote?: boolean;
  /** `q8` reads onnx/model_quantized.onnx, falling back to onnx/model.onnx when only that exists. */
  dtype?: 'q8' | 'fp32';
  batchSize?: number;
  /** Tokens per text, [CLS] and [SEP] included; longer texts are truncated. */
  maxLength?: number;
}

export interface TransformerSettings {
  model: string;
  cacheDir: string;
  allowRemote: boolean;
}

/** Thrown when no model can be loaded (no weights locally, no network). */
export class TextModelUnavailable extends Error {
  override name = 'TextModelUnavailable';
}

export function transformerSettings(env: NodeJS.ProcessEnv = process.env): TransformerSettings {
  const offline = (env.CINEREC_TEXT_OFFLINE ?? '').trim().toLowerCase();
  return {
    model: env.CINEREC_TEXT_MODEL?.trim() || DEFAULT_TEXT_MODEL,
    cacheDir: join(loadSettings(env).home, 'text-models'),
    allowRemote: !['1', 'true', 'yes', 'on'].includes(offline),
  };
}

const ONNX_FILE = { q8: 'onnx/model_quantized.onnx', fp32: 'onnx/model.onnx' } as const;
type Dtype = keyof typeof ONNX_FILE;

type Source = { kind: 'dir'; dir: string } | { kind: 'hub'; id: string };

function resolveSource(model: string): Source {
  const pathLike = isAbsolute(model) || /^\.\.?([/\\]|$)/.test(model) || model.split('/').length > 2;
  if (pathLike || (existsSync(model) && statSync(model).isDirectory()))
    return { kind: 'dir', dir: resolve(model) };
  return { kind: 'hub', id: model.includes('/') ? model : `Xenova/${model}` };
}

/** The dtypes whose weights are on disk, preferred first; the cache mirrors the Hub layout. */
function localDtypes(dir: string, preferred: Dtype): Dtype[] {
  const order: Dtype[] = preferred === 'q8' ? ['q8', 'fp32'] : ['fp32'];
  return order.filter((d) => existsSync(join(dir, ONNX_FILE[d])));
}

/** env is one global object: loads are serialised, and each restores what it changed. */
let loading: Promise<unknown> = Promise.resolve();
async function withHubEnv<T>(
  hf: typeof Transformers.env,
  settings: Partial<typeof Transformers.env>,
  run: () => Promise<T>,
): Promise<T> {
  const turn = loading.then(async () => {
    const keys = ['allowRemoteModels', 'allowLocalModels', 'localModelPath', 'cacheDir'] as const;
    const saved = Object.fromEntries(keys.map((k) => [k, hf[k]]));
    Object.assign(hf, settings);
    try {
      return await run();
    } finally {
      Object.assign(hf, saved);
    }
  });
  loading = turn.catch(() => undefined);
  return turn;
}

const FIX =
  'Set CINEREC_TEXT_MODEL to a local directory holding config.json, tokenizer.json and ' +
  'onnx/model_quantized.onnx (or onnx/model.onnx), or allow network access (unset CINEREC_TEXT_OFFLINE) ' +
  'so the model downloads into';

type Extractor = Awaited<ReturnType<typeof Transformers.pipeline<'feature-extraction'>>>;
interface HubTensor {
  data: ArrayLike<number | bigint>;
  dims: number[];
}

export async function loadTransformerEncoder(opts: TransformerOptions = {}): Promise<TextEncoder> {
  const defaults = transformerSettings();
  const model = opts.model ?? defaults.model;
  const cacheDir = resolve(opts.cacheDir ?? defaults.cacheDir);
  const allowRemote = opts.allowRemote ?? defaults.allowRemote;
  const batchSize = Math.max(1, opts.batchSize ?? 32);
  const maxLength = Math.max(2, opts.maxLength ?? 256);
  const source = resolveSource(model);
  const fail = (tried: string): never => {
    throw new TextModelUnavailable(`Text model '${model}' is unavailable: ${tried}. ${FIX} ${cacheDir}.`);
  };

  // The library's lookup is local path first, then the Hub; deciding here keeps errors precise.
  const root = source.kind === 'dir' ? source.dir : join(cacheDir, source.id);
  const onDisk = existsSync(join(root, 'config.json')) ? localDtypes(root, opts.dtype ?? 'q8') : [];
  if (source.kind === 'dir' && onDisk.length === 0) {
    fail(`looked in the local directory ${root} for config.json and ${ONNX_FILE.q8} or ${ONNX_FILE.fp32}`);
  }
  if (source.kind === 'hub' && onDisk.length === 0 && !allowRemote) {
    fail(`'${source.id}' is not in the cache (${root}) and downloads are disabled`);
  }
  const candidates: Dtype[] = onDisk.length > 0 ? onDisk : opts.dtype === 'fp32' ? ['fp32'] : ['q8', 'fp32'];
  const id = source.kind === 'dir' ? source.dir : source.id;

  const { env: hf, pipeline } = await import('@huggingface/transformers');
  const extractor = await withHubEnv(
    hf,
    {
      allowRemoteModels: allowRemote && source.kind === 'hub',
      allowLocalModels: true,
      localModelPath: cacheDir,
      cacheDir,
    },
    async () => {
      const errors: string[] = [];
      for (const dtype of candidates) {
        try {
          const p = await pipeline('feature-extraction', id, {
            dtype,
            device: 'cpu',
            cache_dir: cacheDir,
            local_files_only: !allowRemote || source.kind === 'dir',
          });
          return { p, dtype };
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          errors.push(`dtype ${dtype} (${ONNX_FILE[dtype]}): ${message}`);
          log.debug({ model: id, dtype, err: e }, 'text model load attempt failed');
          // Only a missing quantised file is worth a second try; a network failure would just repeat.
          if (!message.includes(basename(ONNX_FILE[dtype]))) break;
        }
      }
      const where = source.kind === 'dir' ? root : `the cache ${root}, then ${hf.remoteHost}${source.id}`;
      return fail(`tried loading ${where}: ${errors.join('; ')}`);
    },
  );

  const embed = (batch: string[]) => embedBatch(extractor.p, batch, maxLength);
  // Measured rather than read from config.json's hidden_size, which an exported model need not honour.
  const dim = (await embed(['dimension probe'])).dim;
  const name = `transformer:${basename(id)}`;
  log.info({ model: id, dtype: extractor.dtype, dim, batchSize, maxLength }, 'text model loaded');

  return {
    name,
    dim,
    async encode(texts) {
      const out = new Float32Array(texts.length * dim);
      // Similar lengths batched together pad less; empty texts stay zero rows.
      const order = texts
        .map((_, i) => i)
        .filter((i) => texts[i].trim() !== '')
        .sort((a, b) => texts[a].length - texts[b].length);
      for (let start = 0; start < order.length; start += batchSize) {
        const rows = order.slice(start, start + batchSize);
        const { data } = await embed(rows.map((i) => texts[i]));
        rows.forEach((row, r) => {
          out.set(data.subarray(r * dim, (r + 1) * dim), row * dim);
        });
      }
      return out;
    },
    async close() {
      await extractor.p.dispose();
    },
  };
}

/** Mean over the tokens the attention mask keeps, then L2 norm; padding never enters the mean. */
async function embedBatch(
  extractor: Extractor,
  texts: string[],
  maxLength: number,
): Promise<{ data: Float32Array; dim: number }> {
  const inputs = extractor.tokenizer(texts, { padding: true, truncation: true, max_length: maxLength });
  const ids = (inputs as { input_ids: HubTensor }).input_ids;
  const mask = (inputs as { attention_mask: HubTensor }).attention_mask.data;
  const { sep_token_id: sep, model_max_length } = extractor.tokenizer;
  const [rows, width] = ids.dims;
  // transformers.js truncation cuts [SEP] off; sentence-transformers keeps it, and the model expects it.
  if (sep != null && width === Math.min(maxLength, model_max_length)) {
    const data = ids.data as BigInt64Array;
    for (let b = 0; b < rows; b++) {
      if (Number(mask[(b + 1) * width - 1]) !== 0) data[(b + 1) * width - 1] = BigInt(sep);
    }
  }
  const outputs = await extractor.model(inputs);
  const hidden = outputs.last_hidden_state as HubTensor;
  const [n, seq, dim] = hidden.dims;
  const h = hidden.data as Float32Array;
  const data = new Float32Array(n * dim);
  const acc = new Float64Array(dim);
  for (let b = 0; b < n; b++) {
    acc.fill(0);
    for (let t = 0; t < seq; t++) {
      if (Number(mask[b * seq + t]) === 0) continue;
      const base = (b * seq + t) * dim;
      for (let d = 0; d < dim; d++) acc[d] += h[base + d];
    }
    // The mean's 1/count cancels in the normalisation, so the sum is normalised directly.
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += acc[d] * acc[d];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let d = 0; d < dim; d++) data[b * dim + d] = acc[d] / norm;
  }
  return { data, dim };
}
