/**
 * A compression worker thread (see compression-pool.ts): takes a packet's bytes
 * (transferred, not copied), compresses or inflates them, and transfers the
 * result back, with the input buffer for reuse.
 */
import { parentPort } from 'node:worker_threads';
import { compressPages, decompressPages } from './page-codec';
import type { CompressionJob, CompressionReply } from './compression-pool';

const port = parentPort;
if (!port) throw new Error('compression-worker.js runs as a worker thread');

port.on('message', (job: CompressionJob) => {
  let reply: CompressionReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const input = new Uint8Array(job.input, 0, job.length);
    const out = job.op === 'compress' ? compressPages(job.method, job.level, input) : decompressPages(job.method, input, job.expected);
    const buffer = ownArrayBuffer(out);
    transfer.push(buffer);
    reply = { id: job.id, ok: true, output: buffer, length: out.length, input: job.input };
  } catch (err) {
    reply = { id: job.id, ok: false, message: err instanceof Error ? err.message : String(err), input: job.input };
  }
  // The input goes back too, for the pool to reuse (a fresh 4 MiB buffer costs ~1000 page faults).
  if (!transfer.includes(job.input)) transfer.push(job.input);
  port.postMessage(reply, transfer);
});

/** The result's own ArrayBuffer when it has one to itself (the usual case for packets), else a copy: only a whole ArrayBuffer can be transferred. */
function ownArrayBuffer(b: Buffer): ArrayBuffer {
  if (b.byteOffset === 0 && b.buffer.byteLength === b.length && b.buffer instanceof ArrayBuffer) return b.buffer;
  const copy = new ArrayBuffer(b.length);
  new Uint8Array(copy).set(b);
  return copy;
}
