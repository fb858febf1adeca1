export type TextEncoding = 'utf8' | 'latin1';

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const NUMBER_SYNTAX = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * One record of a delimited file, as byte ranges into the current chunk. The reader reuses a single
 * instance, so fields are decoded only when asked for and numbers are parsed straight from bytes:
 * a 32M-row ratings file creates no strings at all.
 */
export class CsvRecord {
  /** 1-based line where the record starts (for `file:line` in errors). */
  line = 0;
  /** Number of fields. */
  count = 0;
  buf: Buffer = Buffer.alloc(0);
  starts = new Int32Array(32);
  ends = new Int32Array(32);
  /** 0 plain, 1 quoted, 2 quoted with doubled quotes inside. */
  flags = new Uint8Array(32);

  constructor(
    readonly file: string,
    readonly encoding: TextEncoding,
    private readonly quote: string,
  ) {}

  get length(): number {
    return this.count;
  }

  /** `file:line` of this record, for error messages. */
  where(): string {
    return `${this.file}:${this.line}`;
  }

  /** Field `i` decoded; '' when the record has fewer fields. */
  text(i: number): string {
    if (i >= this.count) return '';
    const s = this.buf.toString(this.encoding, this.starts[i], this.ends[i]);
    return this.flags[i] === 2 ? s.replaceAll(this.quote + this.quote, this.quote) : s;
  }

  fields(): string[] {
    const out: string[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.text(i);
    return out;
  }

  /** True when field `i` is absent or has no bytes. */
  isEmpty(i: number): boolean {
    return i >= this.count || this.ends[i] === this.starts[i];
  }

  /**
   * Field `i` as a number, parsed from the bytes without making a string in the common case of
   * plain decimals ("4.0", "964982703", "-1.25"). NaN when empty or not a number; surrounding
   * spaces are ignored.
   */
  number(i: number): number {
    if (i >= this.count) return Number.NaN;
    const buf = this.buf;
    let p = this.starts[i];
    let e = this.ends[i];
    while (p < e && buf[p] === 0x20) p++;
    while (e > p && buf[e - 1] === 0x20) e--;
    if (p === e) return Number.NaN;
    let negative = false;
    if (buf[p] === 0x2d) {
      negative = true;
      p++;
    } else if (buf[p] === 0x2b) p++;
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    let dot = false;
    for (; p < e; p++) {
      const d = buf[p] - 0x30;
      if (d >= 0 && d <= 9) {
        mantissa = mantissa * 10 + d;
        digits++;
        if (dot) scale++;
      } else if (buf[p] === 0x2e && !dot) {
        dot = true;
      } else {
        return this.slowNumber(i);
      }
    }
    if (digits === 0) return Number.NaN;
    // One division of two exact integers rounds correctly, so this equals Number(text).
    if (mantissa > Number.MAX_SAFE_INTEGER || scale > 22) return this.slowNumber(i);
    const value = scale === 0 ? mantissa : mantissa / POW10[scale];
    return negative ? -value : value;
  }

  private slowNumber(i: number): number {
    const s = this.text(i).trim();
    return NUMBER_SYNTAX.test(s) ? Number(s) : Number.NaN;
  }

  /** Doubles the per-field arrays for records with many fields. */
  growFields(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const flags = new Uint8Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    flags.set(this.flags);
    this.starts = starts;
    this.ends = ends;
    this.flags = flags;
  }
}
