'use strict';
/**
 * Embedding: an application runs one side of a migration in its own process
 * with its own device type, through the packages' public API (no daemon, no
 * --device-module). Used by test/device-module.test.ts:
 *
 *   node examples/ledger/embed.js destination          prints {"listening": "HOST:PORT"}, then the outcome
 *   node examples/ledger/embed.js source tcp:HOST:PORT migrates to it, prints the outcome
 */
const { createLogger, parseCapsList, parseDeviceList, registerDeviceType } = require('@livemig/common');
const { deviceTypes } = require('./ledger');

const CAPS = parseCapsList('return-path,switchover-ack,verify');
const DEVICES = ['ledger,id=bank,accounts=5000,tps=10000', 'cpu,id=cpu0,vcpus=1'];

async function main([role, uri]) {
  for (const t of deviceTypes) registerDeviceType(t);
  const log = createLogger({ name: `embedded-${role}`, level: process.env.EMBED_LOG_LEVEL || 'warn', pretty: false, toStderr: true });
  const devices = parseDeviceList(DEVICES);
  if (role === 'destination') {
    const { DestinationDaemon } = require('@livemig/destination');
    const daemon = new DestinationDaemon({ devices, log });
    daemon.settings.setCapabilities(CAPS);
    console.log(JSON.stringify({ listening: await daemon.listen('127.0.0.1', 0) }));
    const [m] = await new Promise((resolve) => daemon.once('finished', (...a) => resolve(a)));
    const bank = daemon.machine.device('bank').status();
    console.log(JSON.stringify({ status: m.status, verified: m.verified, total: bank.total }));
    await daemon.close();
  } else {
    const { SourceDaemon } = require('@livemig/source');
    const daemon = new SourceDaemon({ devices, log });
    daemon.settings.setCapabilities(CAPS);
    await daemon.start(); // the machine runs: the ledger's transfers go on (its vm-state-change hook)
    const m = await daemon.migrateAndWait(uri);
    const bank = daemon.machine.device('bank').status();
    console.log(JSON.stringify({ status: m.status, verified: m.verified, total: bank.total, movedTo: bank['moved-to'] }));
    await daemon.close();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
