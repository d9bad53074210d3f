/**
 * One incoming connection as the daemon runs it, without the daemon: a
 * Handshake (header, auth, configuration) that, once accepted, becomes an
 * IncomingMigration on the same connection. For the in-process tests, which
 * feed a scripted stream and look at the outcome either way.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { checkConfiguration } from '../src/configuration-check';
import { Handshake } from '../src/handshake';
import { IncomingMigration } from '../src/incoming-migration';
import type { MigError } from '@livemig/common/errors';
import type { Capabilities } from '@livemig/common/control';
import type { Machine } from '@livemig/common/devices';
import type { Logger } from '@livemig/common/daemon';

export interface UnderTestOptions {
  socket: Socket;
  machine: Machine;
  caps: Capabilities;
  log: Logger;
  stallTimeoutMs?: () => number;
  authSecret?: Buffer | null;
  /** A reason refuses the migration slot. */
  claim?: () => string | null;
}

export class IncomingUnderTest extends EventEmitter<{ done: [] }> {
  readonly handshake: Handshake;
  migration: IncomingMigration | null = null;

  constructor(opts: UnderTestOptions) {
    super();
    this.handshake = new Handshake(opts.socket, null, 'test', {
      authSecret: opts.authSecret ?? null,
      limitMs: () => 10_000,
      checkConfiguration: (config) => checkConfiguration(config, opts.machine.devices, opts.caps),
      claim: opts.claim ?? (() => null),
      accepted: (connection, config) => {
        const m = new IncomingMigration({ connection, config, machine: opts.machine, caps: opts.caps, log: opts.log, stallTimeoutMs: opts.stallTimeoutMs ?? (() => 0) });
        this.migration = m;
        m.on('done', () => this.emit('done'));
        m.start();
      },
      channel: () => 'no multifd channels in this test',
      abandoned: () => undefined,
      recoverBegins: () => 'no paused migration in this test',
      resumed: () => undefined,
      ended: () => {
        if (this.handshake.phase === 'refused') queueMicrotask(() => this.emit('done'));
      },
    }, opts.log);
  }

  start(): void {
    this.handshake.start();
  }

  get becameMigration(): boolean {
    return this.migration !== null;
  }

  get finished(): boolean {
    return this.migration ? this.migration.finished : this.handshake.finished();
  }

  get status(): string {
    return this.migration?.status ?? 'setup';
  }

  get error(): MigError | null {
    return this.migration ? this.migration.error : this.handshake.error;
  }

  get ackPending(): number | null {
    return this.migration?.ackPending ?? null;
  }

  get bufferedBytes(): number {
    return this.migration?.bufferedBytes ?? 0;
  }

  get eofAt(): number {
    return this.migration?.eofAt ?? 0;
  }

  get verified(): boolean | null {
    return this.migration?.verified ?? null;
  }
}
