/**
 * Limits on what one QMP request may be, checked before JSON.parse (QEMU's
 * json-streamer.c has the same kind: MAX_NESTING, MAX_TOKEN_SIZE). QMP needs a
 * handful of nesting levels; a request whose `id` nests thousands of arrays
 * parses fine but the reply echoing it overflows the stack in JSON.stringify.
 * Both transports and both daemons parse through `parseQmpJson`.
 */

/** Largest QMP request (or WebSocket message); a longer one costs the connection. */
export const MAX_QMP_REQUEST_BYTES = 1024 * 1024;
/** Deepest nesting of objects and arrays a request may have (QMP itself uses ~4). */
export const MAX_QMP_JSON_DEPTH = 64;

/** A request refused before it was parsed; the message is the reply's `desc`. */
export class QmpInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QmpInputError';
  }
}

/**
 * The deepest bracket nesting in `text`, brackets inside strings excluded;
 * stops counting as soon as `limit` is passed (returns limit + 1). One pass,
 * no allocation.
 */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return max;
}

/** JSON.parse within the limits; throws QmpInputError (too big, too deep) or SyntaxError. */
export function parseQmpJson(text: string): unknown {
  if (text.length > MAX_QMP_REQUEST_BYTES) throw new QmpInputError(`QMP request is ${text.length} characters long, more than the ${MAX_QMP_REQUEST_BYTES} allowed`);
  if (jsonDepth(text, MAX_QMP_JSON_DEPTH) > MAX_QMP_JSON_DEPTH) {
    throw new QmpInputError(`JSON nesting is deeper than the ${MAX_QMP_JSON_DEPTH} levels a QMP request may have`);
  }
  return JSON.parse(text) as unknown;
}
