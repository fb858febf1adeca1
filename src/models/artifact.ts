import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { Interactions } from '../data/interactions.js';
import type { Recommender } from './base.js';
import type { ModelState } from './types.js';

/**
 * Binary artifact: `CINEREC\0` magic, u32 header length, JSON header, then the typed arrays,
 * each 8-byte aligned. The header holds the format version, model name, params, meta, the array
 * directory and the sha256 of the payload, so a corrupt or truncated file is refused on load.
 */
export const ARTIFACT_FORMAT = 1;
const MAGIC = Buffer.from('CINEREC\0', 'latin1');

type Typed = Float32Array | Float64Array | Int32Array | Uint8Array;
const DTYPES = { f32: Float32Array, f64: Float64Array, i32: Int32Array, u8: Uint8Array } as const;
type DType = keyof typeof DTYPES;

interface ArrayEntry {
  name: string;
  dtype: DType;
  length: number;
  offset: number;
}

export interface ArtifactHeader {
  format: number;
  model: string;
  params: Record<string, unknown>;
  meta: Record<string, unknown>;
  nUsers: number;
  nItems: number;
  /** What the caller records beside the model: the dataset name and fingerprint, metrics, … */
  info: Record<string, unknown>;
  arrays: ArrayEntry[];
  /** sha256 over the header (this field empty) and the payload: any edit to either is caught. */
  sha256: string;
}

export class ArtifactError extends Error {
  constructor(path: string, message: string) {
    super(`artifact ${path}: ${message}`);
    this.name = 'ArtifactError';
  }
}

function dtypeOf(a: Typed): DType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int32Array) return 'i32';
  return 'u8';
}

/** Serialise a fitted model (its state plus the training matrix it filters seen items with). */
export function encodeArtifact(
  model: Recommender,
  train: Interactions,
  info: Record<string, unknown> = {},
): Buffer {
  const state = model.state();
  const csr = train.byUser();
  const arrays: Record<string, Typed> = {
    ...state.arrays,
    'train.indptr': csr.indptr,
    'train.indices': csr.indices,
    'train.values': csr.values,
    'train.timestamps': Float64Array.from(csr.order, (k) => train.timestamps[k]),
  };
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    offset = align8(offset);
    entries.push({ name, dtype: dtypeOf(a), length: a.length, offset });
    offset += a.byteLength;
  }
  const payload = Buffer.alloc(align8(offset));
  for (const entry of entries) {
    const a = arrays[entry.name];
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(payload, entry.offset);
  }
  const header: ArtifactHeader = {
    format: ARTIFACT_FORMAT,
    model: model.name,
    params: state.params,
    meta: state.meta,
    nUsers: train.nUsers,
    nItems: train.nItems,
    info,
    arrays: entries,
    sha256: '',
  };
  header.sha256 = digest(header, payload);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32LE(json.length);
  const pad = Buffer.alloc(align8(MAGIC.length + 4 + json.length) - (MAGIC.length + 4 + json.length), 0x20);
  return Buffer.concat([MAGIC, headerLength, json, pad, payload]);
}

export interface DecodedArtifact {
  header: ArtifactHeader;
  state: ModelState;
  train: Interactions;
}

/** Parse and verify an artifact; `path` only names the file in errors. */
export function decodeArtifact(bytes: Buffer, path = '<buffer>'): DecodedArtifact {
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ArtifactError(path, 'not a cinerec model artifact (bad magic)');
  }
  const jsonLength = bytes.readUInt32LE(MAGIC.length);
  const jsonEnd = MAGIC.length + 4 + jsonLength;
  if (jsonEnd > bytes.length) throw new ArtifactError(path, 'truncated header');
  let header: ArtifactHeader;
  try {
    header = JSON.parse(bytes.subarray(MAGIC.length + 4, jsonEnd).toString('utf8'));
  } catch {
    throw new ArtifactError(path, 'header is not valid JSON');
  }
  if (header.format !== ARTIFACT_FORMAT) {
    throw new ArtifactError(path, `format version ${header.format}, this cinerec reads ${ARTIFACT_FORMAT}`);
  }
  const payload = bytes.subarray(align8(jsonEnd));
  if (digest(header, payload) !== header.sha256) {
    throw new ArtifactError(path, 'checksum mismatch: the file is corrupt or truncated');
  }
  // Copy into a fresh, aligned buffer so typed-array views are valid regardless of Buffer pooling.
  const aligned = new ArrayBuffer(payload.length);
  new Uint8Array(aligned).set(payload);
  const arrays: Record<string, Typed> = {};
  for (const entry of header.arrays) {
    const Ctor = DTYPES[entry.dtype];
    if (Ctor === undefined) throw new ArtifactError(path, `unknown dtype ${entry.dtype}`);
    arrays[entry.name] = new Ctor(aligned, entry.offset, entry.length);
  }
  const indptr = arrays['train.indptr'] as Int32Array;
  const indices = arrays['train.indices'] as Int32Array;
  const values = arrays['train.values'] as Float32Array;
  const timestamps = arrays['train.timestamps'] as Float64Array;
  for (const name of ['train.indptr', 'train.indices', 'train.values', 'train.timestamps'])
    delete arrays[name];
  const users = new Int32Array(indices.length);
  for (let u = 0; u < header.nUsers; u++) users.fill(u, indptr[u], indptr[u + 1]);
  const train = new Interactions(header.nUsers, header.nItems, users, indices, values, timestamps);
  return { header, state: { params: header.params, meta: header.meta, arrays }, train };
}

/** Write atomically (temp file, then rename) so a crash never leaves a half-written artifact. */
export async function writeArtifact(
  path: string,
  model: Recommender,
  train: Interactions,
  info: Record<string, unknown> = {},
): Promise<string> {
  const bytes = encodeArtifact(model, train, info);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
  return createHash('sha256').update(bytes).digest('hex');
}

export async function readArtifact(path: string): Promise<DecodedArtifact> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ArtifactError(path, `cannot read: ${(error as Error).message}`);
  }
  return decodeArtifact(bytes, path);
}

function digest(header: ArtifactHeader, payload: Buffer): string {
  const unsigned = JSON.stringify({ ...header, sha256: '' });
  return createHash('sha256').update(unsigned, 'utf8').update(payload).digest('hex');
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
