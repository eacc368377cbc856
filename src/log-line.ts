/**
 * Builds one log line as UTF-8 bytes in a reusable buffer, part by part, for the cache hit
 * path: its request line is the same every time but for a few numbers and short ASCII strings,
 * so writing those straight into bytes spares the per-request strings (the pieces, their
 * concatenation, its flattening and encoding), which were most of what logging a hit cost.
 * Every part is written as JSON.stringify would write it; a string that would need escaping
 * or is not ASCII goes through JSON.stringify itself.
 */
export class LineBuilder {
  /** The line so far: bytes [0, length). Replaced by a larger one when a line needs more room. */
  buffer: Buffer;
  length = 0;

  constructor(capacity = 4096) {
    this.buffer = Buffer.allocUnsafeSlow(capacity);
  }

  /** Starts a new line. */
  reset(): this {
    this.length = 0;
    return this;
  }

  /** Bytes encoded once (the constant parts of a line). */
  bytes(part: Buffer): this {
    this.#room(part.length);
    part.copy(this.buffer, this.length);
    this.length += part.length;
    return this;
  }

  /** A string's characters, unquoted; `text` must be printable ASCII without `"` or `\` (see isPlainAscii). */
  plain(text: string): this {
    this.#room(text.length);
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < text.length; i += 1) buffer[at++] = text.charCodeAt(i);
    this.length = at;
    return this;
  }

  /** A string as a JSON string literal, quotes included. */
  string(text: string): this {
    if (!isPlainAscii(text)) return this.#encoded(JSON.stringify(text));
    this.#room(text.length + 2);
    this.buffer[this.length++] = QUOTE;
    this.plain(text);
    this.buffer[this.length++] = QUOTE;
    return this;
  }

  /** A non-negative safe integer, as JSON writes it. */
  integer(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) return this.#encoded(JSON.stringify(value));
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
    this.#room(digits);
    const buffer = this.buffer;
    let at = this.length + digits;
    let rest = value;
    do {
      buffer[--at] = ZERO + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    this.length += digits;
    return this;
  }

  /** A non-negative number rounded to tenths, as JSON writes `Math.round(value * 10) / 10`. */
  tenths(value: number): this {
    const scaled = Math.round(value * 10);
    if (!Number.isSafeInteger(scaled) || scaled < 0) return this.#encoded(JSON.stringify(scaled / 10));
    this.integer(Math.floor(scaled / 10));
    const tenth = scaled % 10;
    if (tenth !== 0) {
      this.#room(2);
      this.buffer[this.length++] = DOT;
      this.buffer[this.length++] = ZERO + tenth;
    }
    return this;
  }

  /** The line so far, as text (for a destination that takes strings). */
  toString(): string {
    return this.buffer.toString('utf8', 0, this.length);
  }

  #encoded(json: string): this {
    this.#room(Buffer.byteLength(json));
    this.length += this.buffer.write(json, this.length);
    return this;
  }

  #room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(larger, 0, 0, this.length);
    this.buffer = larger;
  }
}

const QUOTE = 0x22;
const ZERO = 0x30;
const DOT = 0x2e;

/** True when JSON.stringify(text) is text in quotes and its UTF-8 bytes are its characters. */
export function isPlainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === QUOTE || code === 0x5c) return false;
  }
  return true;
}
