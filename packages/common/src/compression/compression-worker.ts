/**
 * A compression worker thread (see compression-pool.ts): takes a packet's bytes
 * and an output buffer (both transferred, not copied), compresses or inflates
 * into the output, and transfers it back with the input for reuse. zlib writes
 * into a buffer of its own (Node's sync zlib has no caller-given output): then
 * the offered output goes back unused.
 */
import { parentPort } from 'node:worker_threads';
import { compressPages, decompressPages } from './page-codec';
import type { CompressionJob, CompressionReply } from './compression-pool';

const port = parentPort;
if (!port) throw new Error('compression-worker.js runs as a worker thread');

port.on('message', (job: CompressionJob) => {
  let reply: CompressionReply;
  const returned: ArrayBuffer[] = [job.input];
  try {
    const input = new Uint8Array(job.input, 0, job.length);
    const offered = Buffer.from(job.output);
    const out = job.op === 'compress' ? compressPages(job.method, job.level, input, offered) : decompressPages(job.method, input, job.expected, offered);
    const output = out.buffer === job.output ? job.output : ownArrayBuffer(out);
    if (output !== job.output) returned.push(job.output);
    reply = { id: job.id, ok: true, output, length: out.length, returned };
  } catch (err) {
    returned.push(job.output);
    reply = { id: job.id, ok: false, message: err instanceof Error ? err.message : String(err), returned };
  }
  const transfer = reply.ok ? [reply.output, ...returned] : returned;
  port.postMessage(reply, transfer);
});

/** The result's own ArrayBuffer when it has one to itself (zlib's usual case), else a copy: only a whole ArrayBuffer can be transferred. */
function ownArrayBuffer(b: Buffer): ArrayBuffer {
  if (b.byteOffset === 0 && b.buffer.byteLength === b.length && b.buffer instanceof ArrayBuffer) return b.buffer;
  const copy = new ArrayBuffer(b.length);
  new Uint8Array(copy).set(b);
  return copy;
}
