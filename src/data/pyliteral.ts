/**
 * A parser for the Python literals that The Movies Dataset stores in CSV cells, e.g.
 * `[{'id': 931, 'name': 'jealousy'}, {'id': 15101, 'name': "based on children's book"}]`: lists,
 * tuples, dicts, single- or double-quoted strings with backslash escapes, numbers, None/True/False.
 * JSON is a subset, so it also reads TMDB 5000's JSON cells.
 */
export type PyValue = null | boolean | number | string | PyValue[] | { [key: string]: PyValue };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', v: '\v' };

/**
 * Parses one Python literal.
 *
 * @throws SyntaxError with the offset and a snippet when the text is not a literal.
 */
export function parsePyLiteral(text: string): PyValue {
  const parser = new Parser(text);
  const value = parser.value();
  parser.skipSpace();
  if (parser.pos < text.length) parser.fail('unexpected text after the value');
  return value;
}

/**
 * The `name` of every dict in a list literal (TMDB genres, keywords); [] for an empty or blank cell.
 *
 * @throws SyntaxError when the cell is not a literal.
 */
export function namesFromList(cell: string): string[] {
  const trimmed = cell.trim();
  if (trimmed === '' || trimmed === '[]') return [];
  // TMDB 5000 cells are JSON, and the native parser is several times faster than ours.
  const value = trimmed.startsWith('[{"') ? parseJsonOr(trimmed) : parsePyLiteral(trimmed);
  if (!Array.isArray(value)) return [];
  const names: string[] = [];
  for (const entry of value) {
    if (
      entry !== null &&
      typeof entry === 'object' &&
      !Array.isArray(entry) &&
      typeof entry.name === 'string'
    ) {
      names.push(entry.name);
    }
  }
  return names;
}

function parseJsonOr(text: string): PyValue {
  try {
    return JSON.parse(text) as PyValue;
  } catch {
    return parsePyLiteral(text);
  }
}

const WORD = /None|True|False|null|true|false/y;
const NUMBER = /[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/y;

class Parser {
  pos = 0;

  constructor(private readonly text: string) {}

  fail(message: string): never {
    const snippet = this.text.slice(Math.max(0, this.pos - 20), this.pos + 20);
    throw new SyntaxError(`Python literal: ${message} at offset ${this.pos} near "${snippet}"`);
  }

  skipSpace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  value(): PyValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '[') return this.sequence(']');
    if (c === '(') return this.sequence(')');
    if (c === '{') return this.dict();
    if (c === "'" || c === '"') return this.string();
    WORD.lastIndex = this.pos;
    const word = WORD.exec(this.text);
    if (word !== null) {
      this.pos += word[0].length;
      return word[0] === 'None' || word[0] === 'null' ? null : word[0] === 'True' || word[0] === 'true';
    }
    NUMBER.lastIndex = this.pos;
    const number = NUMBER.exec(this.text);
    if (number !== null) {
      this.pos += number[0].length;
      return Number(number[0]);
    }
    return this.fail(c === undefined ? 'unexpected end' : `unexpected "${c}"`);
  }

  private sequence(close: string): PyValue[] {
    this.pos++;
    const items: PyValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close) this.fail(`expected "," or "${close}"`);
    }
  }

  private dict(): { [key: string]: PyValue } {
    this.pos++;
    const out: { [key: string]: PyValue } = {};
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.value();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      out[String(key)] = this.value();
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail('expected "," or "}"');
    }
  }

  private string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    let from = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === quote) {
        out += this.text.slice(from, this.pos++);
        return out;
      }
      if (c === '\\') {
        out += this.text.slice(from, this.pos);
        out += this.escape();
        from = this.pos;
        continue;
      }
      this.pos++;
    }
    return this.fail('string is never closed');
  }

  /** One backslash escape at `pos`, which it consumes. */
  private escape(): string {
    const c = this.text[this.pos + 1];
    if (c === undefined) this.fail('dangling backslash');
    const hexLength = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const hex = this.text.slice(this.pos + 2, this.pos + 2 + hexLength);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLength) this.fail(`bad \\${c} escape`);
      this.pos += 2 + hexLength;
      return String.fromCodePoint(Number.parseInt(hex, 16));
    }
    this.pos += 2;
    return ESCAPES[c] ?? c; // \\ \' \" and unknown escapes give the character itself
  }
}
