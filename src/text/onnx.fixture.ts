/**
 * Test-only: a tiny BERT-shaped ONNX model the project writes itself, so the transformer encoder is
 * tested end to end (tokenizer → onnxruntime → pooling) without the real weights, which cannot be
 * brought onto these machines. The model is a lookup: last_hidden_state[b, s] = table[input_ids[b, s]],
 * so the embedding of any text is computable by hand from its token ids.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The real MiniLM tokenizer and config; copied into the fixture when present. */
export const SHARED_MINILM = join(import.meta.dirname, '../../../shared/models/all-MiniLM-L6-v2');
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'config.json', 'special_tokens_map.json'];

export const SENTENCE = 'A bleak dystopian future where machines rule';
/** Its ids under the real tokenizer, [CLS] and [SEP] included (the test checks them against MANIFEST.md). */
const REAL_IDS = [101, 1037, 21657, 1040, 27268, 7361, 2937, 2925, 2073, 6681, 3627, 102];

export interface OnnxFixture {
  dir: string;
  dim: number;
  vocabSize: number;
  /** true when the real MiniLM tokenizer was copied, false when a tiny one was generated. */
  realTokenizer: boolean;
  /** The token ids of SENTENCE under the fixture's tokenizer. */
  sentenceIds: number[];
  /** Row-major [vocabSize, dim]: the embedding table inside the model. */
  table: Float32Array;
}

/** A deterministic value in [-1, 1) for (token, dim): an integer hash, so every row differs. */
function tableValue(token: number, d: number): number {
  let h = Math.imul(token + 1, 0x9e3779b1) ^ Math.imul(d + 1, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return ((h ^ (h >>> 15)) >>> 0) / 2 ** 31 - 1;
}

/** Writes the fixture model into a fresh temp dir (or `dir`); `tokenizerFrom: null` forces the tiny tokenizer. */
export function writeOnnxFixture(
  opts: { dim?: number; tokenizerFrom?: string | null; dir?: string } = {},
): OnnxFixture {
  const dim = opts.dim ?? 8;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'cinerec-onnx-'));
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const from = opts.tokenizerFrom === undefined ? SHARED_MINILM : opts.tokenizerFrom;
  const realTokenizer = from !== null && TOKENIZER_FILES.every((f) => existsSync(join(from, f)));
  let vocabSize: number;
  let sentenceIds: number[];
  if (realTokenizer) {
    for (const f of TOKENIZER_FILES) copyFileSync(join(from, f), join(dir, f));
    vocabSize = 30522;
    sentenceIds = REAL_IDS;
  } else {
    ({ vocabSize, sentenceIds } = writeTinyTokenizer(dir, dim));
  }
  const table = new Float32Array(vocabSize * dim);
  for (let t = 0; t < vocabSize; t++) for (let d = 0; d < dim; d++) table[t * dim + d] = tableValue(t, d);
  writeFileSync(join(dir, 'onnx', 'model_quantized.onnx'), lookupModel(table, vocabSize, dim));
  return { dir, dim, vocabSize, realTokenizer, sentenceIds, table };
}

/** Mean of the table rows of `ids`, L2-normalised, in float64: what the encoder should return. */
export function expectedEmbedding(fx: OnnxFixture, ids: readonly number[]): Float64Array {
  const out = new Float64Array(fx.dim);
  for (const id of ids) for (let d = 0; d < fx.dim; d++) out[d] += fx.table[id * fx.dim + d] / ids.length;
  const norm = Math.hypot(...out);
  return out.map((v) => v / norm);
}

// --- A minimal protobuf writer: enough of onnx.proto for one Gather node. ---

type Field = Uint8Array;

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}

const concat = (parts: readonly Field[]): Uint8Array => Buffer.concat(parts);
const intField = (no: number, n: number | bigint): Field =>
  Uint8Array.from([...varint(no << 3), ...varint(n)]);
function bytesField(no: number, body: Uint8Array | string): Field {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return concat([Uint8Array.from([...varint((no << 3) | 2), ...varint(b.length)]), b]);
}
const msg = (no: number, fields: readonly Field[]): Field => bytesField(no, concat(fields));

const FLOAT = 1;
const INT64 = 7;

/** ValueInfoProto with a tensor type whose dims are symbolic names or sizes. */
function valueInfo(no: number, name: string, elemType: number, dims: readonly (string | number)[]): Field {
  const shape = dims.map((d) => msg(1, [typeof d === 'string' ? bytesField(2, d) : intField(1, d)]));
  const tensorType = msg(1, [intField(1, elemType), msg(2, shape)]);
  return msg(no, [bytesField(1, name), msg(2, [tensorType])]);
}

function lookupModel(table: Float32Array, vocabSize: number, dim: number): Uint8Array {
  const raw = new Uint8Array(table.buffer, table.byteOffset, table.byteLength); // little-endian, as ONNX wants
  const initializer = msg(5, [
    intField(1, vocabSize),
    intField(1, dim),
    intField(2, FLOAT),
    bytesField(8, 'embedding'),
    bytesField(9, raw),
  ]);
  const gather = msg(1, [
    bytesField(1, 'embedding'),
    bytesField(1, 'input_ids'),
    bytesField(2, 'last_hidden_state'),
    bytesField(3, 'lookup'),
    bytesField(4, 'Gather'),
    msg(5, [bytesField(1, 'axis'), intField(3, 0), intField(20, 2)]),
  ]);
  // transformers.js feeds every input a BERT session declares, so the model declares all three.
  const graph = [
    gather,
    bytesField(2, 'cinerec-lookup-bert'),
    initializer,
    valueInfo(11, 'input_ids', INT64, ['batch', 'sequence']),
    valueInfo(11, 'attention_mask', INT64, ['batch', 'sequence']),
    valueInfo(11, 'token_type_ids', INT64, ['batch', 'sequence']),
    valueInfo(12, 'last_hidden_state', FLOAT, ['batch', 'sequence', dim]),
  ];
  return concat([
    intField(1, 8),
    msg(8, [bytesField(1, ''), intField(2, 13)]),
    bytesField(2, 'cinerec'),
    msg(7, graph),
  ]);
}

/** A WordPiece tokenizer over the sentence's words and a few pieces, in the layout of the real one. */
function writeTinyTokenizer(dir: string, dim: number): { vocabSize: number; sentenceIds: number[] } {
  const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const words = [
    'a',
    'bleak',
    'dystopian',
    'future',
    'where',
    'machines',
    'rule',
    'the',
    'movie',
    '##s',
    '.',
  ];
  const vocab = Object.fromEntries([...special, ...words].map((w, i) => [w, i]));
  const added = special.map((content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const tok = (id: string, typeId = 0) => ({ SpecialToken: { id, type_id: typeId } });
  const seq = (id: string, typeId = 0) => ({ Sequence: { id, type_id: typeId } });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [tok('[CLS]'), seq('A'), tok('[SEP]')],
      pair: [tok('[CLS]'), seq('A'), tok('[SEP]'), seq('B', 1), tok('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
  const files: Record<string, unknown> = {
    'tokenizer.json': tokenizer,
    'tokenizer_config.json': {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
    },
    'special_tokens_map.json': {
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
    },
    'config.json': {
      architectures: ['BertModel'],
      model_type: 'bert',
      hidden_size: dim,
      pad_token_id: 0,
      vocab_size: Object.keys(vocab).length,
    },
  };
  for (const [name, body] of Object.entries(files))
    writeFileSync(join(dir, name), JSON.stringify(body, null, 2));
  const sentenceIds = [
    vocab['[CLS]'],
    ...SENTENCE.toLowerCase()
      .split(' ')
      .map((w) => vocab[w]),
    vocab['[SEP]'],
  ];
  return { vocabSize: Object.keys(vocab).length, sentenceIds };
}
