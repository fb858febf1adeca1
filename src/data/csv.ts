import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { CsvRecord, type TextEncoding } from './csv-record.js';

export { CsvRecord, type TextEncoding } from './csv-record.js';

const LF = 0x0a;
const CR = 0x0d;

export interface DelimitedOptions {
  /** Field separator, one or more characters: ',', '\t', '|', '::', ';' … Default ','. */
  separator?: string;
  /**
   * Quote character, or null for formats that never quote (MovieLens `.dat` and `u.*` files, whose
   * titles contain bare `"`). Default '"'. A quote only opens a quoted field at the field's start.
   */
  quote?: string | null;
  /** Text decoding of fields. Default 'utf8'; MovieLens `u.item` and `movies.dat` are latin-1. */
  encoding?: TextEncoding;
  /** Hand the first record to `onHeader` (as trimmed strings) instead of `onRecord`. */
  header?: boolean;
  onHeader?: (names: string[], record: CsvRecord) => void;
  /** Bytes per read; default 1 MiB. */
  chunkSize?: number;
}

export interface ReadSummary {
  /** Records handed to `onRecord` (blank lines and the header excluded). */
  records: number;
  /** Lines read, counting newlines inside quoted fields. */
  lines: number;
  header?: string[];
}

/**
 * Streams a delimited text file record by record. `onRecord` gets one reused {@link CsvRecord}
 * view per record (valid only during the call) and may return `false` to stop reading. Handles
 * LF and CRLF, quoted fields with separators, doubled quotes and newlines inside, a UTF-8 BOM, and
 * skips blank lines. Memory stays at about one chunk whatever the file size.
 *
 * @throws Error naming `file:line` for a quoted field left open at the end of the file.
 */
export async function readDelimited(
  path: string,
  onRecord: (record: CsvRecord) => boolean | undefined,
  options: DelimitedOptions = {},
): Promise<ReadSummary> {
  const scanner = new Scanner(path, options, onRecord);
  const stream = createReadStream(path, { highWaterMark: options.chunkSize ?? 1 << 20 });
  let leftover: Buffer | null = null;
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let buf: Buffer = leftover === null ? chunk : Buffer.concat([leftover, chunk]);
      if (first) {
        first = false;
        if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      }
      const rest = scanner.scan(buf, false);
      if (scanner.stopped) break;
      leftover = rest < buf.length ? buf.subarray(rest) : null;
    }
    if (leftover !== null && !scanner.stopped) scanner.scan(leftover, true);
  } finally {
    stream.destroy();
  }
  return { records: scanner.records, lines: scanner.line - 1, header: scanner.header };
}

/** The first record of a file as trimmed strings (the header of a CSV), or [] for an empty file. */
export async function readFirstRecord(path: string, options: DelimitedOptions = {}): Promise<string[]> {
  let fields: string[] = [];
  await readDelimited(
    path,
    (record) => {
      fields = record.fields().map((f) => f.trim());
      return false;
    },
    { ...options, header: false },
  );
  return fields;
}

/**
 * Non-empty lines in a file, by a byte scan without decoding: the row count of MovieLens `u.*`
 * and `.dat` files (subtract one for a CSV header). Quoted newlines are counted as lines.
 */
export async function countNonEmptyLines(path: string): Promise<number> {
  let count = 0;
  let lineHasContent = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let from = 0;
    for (;;) {
      const at = chunk.indexOf(LF, from);
      const end = at < 0 ? chunk.length : at;
      if (end > from && !(end - from === 1 && chunk[from] === CR)) lineHasContent = true;
      if (at < 0) break;
      if (lineHasContent) count++;
      lineHasContent = false;
      from = at + 1;
    }
  }
  return lineHasContent ? count + 1 : count;
}

/** Splits buffers into records; kept apart from the stream so a record cut by a chunk is rescanned. */
class Scanner {
  line = 1;
  records = 0;
  stopped = false;
  header?: string[];
  private readonly record: CsvRecord;
  private readonly sep: Buffer;
  private readonly quote: number;
  private wantHeader: boolean;

  constructor(
    private readonly file: string,
    private readonly options: DelimitedOptions,
    private readonly onRecord: (record: CsvRecord) => boolean | undefined,
  ) {
    const separator = options.separator ?? ',';
    if (separator.length === 0) throw new Error(`readDelimited ${file}: option 'separator' is empty`);
    this.sep = Buffer.from(separator, 'utf8');
    const quote = options.quote === undefined ? '"' : options.quote;
    if (quote !== null && quote.length !== 1) {
      throw new Error(`readDelimited ${file}: option 'quote' must be one character or null`);
    }
    this.quote = quote === null ? -1 : quote.charCodeAt(0);
    this.record = new CsvRecord(file, options.encoding ?? 'utf8', quote ?? '"');
    this.wantHeader = options.header === true;
  }

  /** Delivers every complete record in `buf`; returns where the unfinished one starts. */
  scan(buf: Buffer, eof: boolean): number {
    const rec = this.record;
    rec.buf = buf;
    const n = buf.length;
    const sep = this.sep;
    const sep0 = sep[0];
    const sepLen = sep.length;
    const quote = this.quote;
    let pos = 0;
    while (pos < n) {
      const recordStart = pos;
      let newlines = 0;
      let count = 0;
      for (;;) {
        if (count === rec.starts.length) rec.growFields();
        if (buf[pos] === quote && pos < n) {
          let i = pos + 1;
          let closed = -1;
          let escaped = false;
          while (i < n) {
            const b = buf[i];
            if (b === quote) {
              if (i + 1 < n && buf[i + 1] === quote) {
                escaped = true;
                i += 2;
                continue;
              }
              if (i + 1 >= n && !eof) break; // the next chunk may hold a second quote
              closed = i;
              break;
            }
            if (b === LF) newlines++;
            i++;
          }
          if (closed < 0) {
            if (!eof) return recordStart;
            throw new Error(`${this.file}:${this.line}: quoted field is never closed`);
          }
          rec.starts[count] = pos + 1;
          rec.ends[count] = closed;
          rec.flags[count] = escaped ? 2 : 1;
          count++;
          // Stray bytes between the closing quote and the separator are dropped (lenient, like Excel).
          i = closed + 1;
          while (i < n && buf[i] !== LF && !(buf[i] === sep0 && matchesAt(buf, i, sep))) i++;
          pos = i;
        } else {
          let i = pos;
          while (i < n) {
            const b = buf[i];
            if (b === sep0 && (sepLen === 1 || matchesAt(buf, i, sep))) break;
            if (b === LF) break;
            i++;
          }
          rec.starts[count] = pos;
          rec.ends[count] = i;
          rec.flags[count] = 0;
          count++;
          pos = i;
        }
        if (pos >= n) {
          if (!eof) return recordStart;
          break;
        }
        if (buf[pos] === LF) {
          pos++;
          newlines++;
          break;
        }
        pos += sepLen;
      }
      const last = count - 1;
      if (rec.flags[last] === 0 && rec.ends[last] > rec.starts[last] && buf[rec.ends[last] - 1] === CR) {
        rec.ends[last]--;
      }
      rec.count = count;
      rec.line = this.line;
      this.line += newlines;
      if (count === 1 && rec.flags[0] === 0 && rec.ends[0] === rec.starts[0]) continue; // blank line
      if (this.wantHeader) {
        this.wantHeader = false;
        this.header = rec.fields().map((f) => f.trim());
        this.options.onHeader?.(this.header, rec);
        continue;
      }
      this.records++;
      if (this.onRecord(rec) === false) {
        this.stopped = true;
        return n;
      }
    }
    return n;
  }
}

function matchesAt(buf: Buffer, at: number, sep: Buffer): boolean {
  if (at + sep.length > buf.length) return false;
  for (let k = 1; k < sep.length; k++) if (buf[at + k] !== sep[k]) return false;
  return true;
}

/**
 * Index of the first of `names` in a header (exact match first, then case-insensitive).
 *
 * @throws Error naming the file, the column wanted and the header's columns.
 */
export function requireColumn(header: readonly string[], names: string | string[], file: string): number {
  const wanted = typeof names === 'string' ? [names] : names;
  const index = findColumn(header, wanted);
  if (index >= 0) return index;
  throw new Error(
    `${file}: no column ${wanted.map((n) => `'${n}'`).join(' or ')}; the header has: ${header.join(', ')}`,
  );
}

/** Like {@link requireColumn} but -1 when absent. */
export function findColumn(header: readonly string[], names: string[]): number {
  for (const name of names) {
    const exact = header.indexOf(name);
    if (exact >= 0) return exact;
  }
  for (const name of names) {
    const lower = name.toLowerCase();
    const loose = header.findIndex((h) => h.toLowerCase() === lower);
    if (loose >= 0) return loose;
  }
  return -1;
}

/**
 * Rough number of lines in a file from the line length of its first MiB, with 10% to spare, so
 * loaders can size typed arrays once instead of growing them (growth briefly needs both buffers).
 */
export async function estimateLines(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const sample = Buffer.alloc(Math.min(size, 1 << 20));
    const { bytesRead } = await handle.read(sample, 0, sample.length, 0);
    let lines = 0;
    for (let at = sample.indexOf(LF); at >= 0 && at < bytesRead; at = sample.indexOf(LF, at + 1)) lines++;
    if (bytesRead === size) return lines + 1;
    const bytesPerLine = lines > 0 ? bytesRead / lines : 20;
    return Math.ceil((size / bytesPerLine) * 1.1) + 1024;
  } finally {
    await handle.close();
  }
}

/** The first line of a file (up to 64 KiB, UTF-8, without its line ending), e.g. to guess a separator. */
export async function readFirstLine(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const end = buf.subarray(0, bytesRead).indexOf(LF);
    return buf
      .toString('utf8', 0, end < 0 ? bytesRead : end)
      .replace(/\r$/, '')
      .replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
}
