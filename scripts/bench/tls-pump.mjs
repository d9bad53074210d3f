#!/usr/bin/env node
/**
 * The limit the TLS migration is measured against: a raw Node TLS pump between
 * two processes over loopback, with the same mutual authentication the daemons
 * use (certificates from certs.mjs, Node's default TLS 1.3 cipher), moving
 * `bytes` from a touched buffer in 1 MiB writes with backpressure honoured; the
 * receiver only counts the bytes. Node gives a TLS socket no `onread`, so the
 * receiver takes Node's 'data' events: the best a Node TLS receiver can do.
 *
 *   node tls-pump.mjs [BYTES]      (makes its own certificates)
 *
 * prints {"bytes","ms","bytesPerSecond","senderCpuMs","receiverCpuMs","cipher"}.
 * As in tcp-pump.mjs the child process is the receiver and connects to the
 * parent (here: the TLS client receives, as the destination's accepted socket does
 * not: which end is the client does not change what a TLS record costs).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { makeBenchCerts } from './certs.mjs';
import { sendTimed } from './tcp-pump.mjs';


async function receive(port, total, files) {
  let got = 0;
  let cpu0 = null;
  const socket = connect({ host: '127.0.0.1', port, cert: readFileSync(files.cert), key: readFileSync(files.key), ca: readFileSync(files.ca), rejectUnauthorized: true });
  socket.setNoDelay(true);
  socket.on('data', (chunk) => {
    if (cpu0 === null) cpu0 = process.cpuUsage();
    const before = got;
    got += chunk.length;
    if (before < total && got >= total) {
      const cpu = process.cpuUsage(cpu0);
      process.send({ done: true, bytes: got, cpuMs: (cpu.user + cpu.system) / 1000, cipher: socket.getCipher()?.standardName ?? null });
    }
  });
  socket.on('error', () => {});
  await once(process, 'disconnect');
  socket.destroy();
}

/** Runs one TLS pump of `total` bytes with `certs` (makeBenchCerts()); resolves with its figures. */
export async function tlsPump(total, certs) {
  const src = Buffer.allocUnsafeSlow(total);
  for (let off = 0; off < total; off += 4096) src[off] = (off >>> 12) | 1;
  const server = createServer({ cert: readFileSync(certs.destination.cert), key: readFileSync(certs.destination.key), ca: readFileSync(certs.ca), requestCert: true, rejectUnauthorized: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const files = JSON.stringify({ ...certs.source, ca: certs.ca });
  const child = fork(fileURLToPath(import.meta.url), ['--receive', String(server.address().port), String(total), files], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const [socket] = await once(server, 'secureConnection');
  const { report, ...figures } = await sendTimed(socket, server, child, src, total);
  return { ...figures, cipher: report.cipher };
}

if (process.argv[2] === '--receive') {
  await receive(Number(process.argv[3]), Number(process.argv[4]), JSON.parse(process.argv[5]));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const certs = makeBenchCerts();
  try {
    process.stdout.write(`${JSON.stringify(await tlsPump(Number(process.argv[2] ?? 1024 * 1024 * 1024), certs))}\n`);
  } finally {
    certs.cleanup();
  }
}
