/**
 * Cuts a character stream into top-level JSON texts, as QEMU's JSON streamer
 * does for its monitor (qobject/json-streamer.c): a request may span lines or
 * share a line with the next one; QMP clients usually send one per line.
 * Pure and synchronous: `push(text)` returns the complete texts, in order; it
 * does not parse them (the session does, and reports a parse error per text).
 *
 * A top-level value that is not an object or array (e.g. a stray word) ends
 * at the next newline. The size of one pending text is bounded.
 */
import { FrameTooLargeError } from '../errors';

export class JsonStreamer {
  private readonly maxText: number;
  private buf = '';
  /** Bracket depth of the text in `buf` (0: between texts or in a scalar). */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The pending text is a top-level scalar (ends at a newline). */
  private scalar = false;
  private scanned = 0;

  constructor(maxText: number) {
    this.maxText = maxText;
  }

  /** Bytes held for an incomplete text. */
  get pending(): number {
    return this.buf.length;
  }

  push(chunk: string): string[] {
    const out: string[] = [];
    this.buf += chunk;
    let start = 0;
    for (let i = this.scanned; i < this.buf.length; i++) {
      const c = this.buf[i]!;
      if (this.scalar) {
        if (c === '\n') {
          out.push(this.buf.slice(start, i).trim());
          this.scalar = false;
          start = i + 1;
        }
        continue;
      }
      if (this.depth === 0) {
        if (c === ' ' || c === '\t' || c === '\r' || c === '\n') start = i + 1;
        else if (c === '{' || c === '[') this.depth = 1;
        else this.scalar = true;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') this.depth++;
      else if (c === '}' || c === ']') {
        this.depth--;
        if (this.depth === 0) {
          out.push(this.buf.slice(start, i + 1));
          start = i + 1;
        }
      }
    }
    this.buf = this.buf.slice(start);
    this.scanned = this.buf.length;
    if (this.buf.length > this.maxText) {
      throw new FrameTooLargeError('QMP request', this.buf.length, this.maxText);
    }
    return out;
  }
}
