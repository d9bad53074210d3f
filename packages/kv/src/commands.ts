/**
 * The commands kv serves (RESP2, Redis's replies and error texts). Each takes
 * the request's arguments and pushes its reply pieces to `out`.
 */
import { EMPTY_ARRAY, NIL, OK, PONG, bulkPieces, encode, error, integer, simple, type RespValue } from './resp';
import type { Store } from './store';

/** Per-connection state a command may change. */
export interface ClientState {
  name: string | null;
  quit: boolean;
}

interface Command {
  /** Redis arity: n = exactly n words (with the name), -n = at least n. */
  readonly arity: number;
  readonly write: boolean;
  run(a: Buffer[], s: Store, c: ClientState, out: Buffer[], now: number): void;
}

const key = (b: Buffer): string => b.toString('latin1');
const lower = (b: Buffer): string => b.toString('latin1').toLowerCase();
const NOT_INT = error('ERR value is not an integer or out of range');
const SYNTAX = error('ERR syntax error');
const OVERFLOW = error('ERR increment or decrement would overflow');

/** A signed 64-bit-safe integer argument as Redis parses it (no spaces, no '+', within ±2^53 here). */
function int(b: Buffer): number | null {
  const s = b.toString('latin1');
  if (!/^-?(0|[1-9][0-9]*)$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

function incrBy(a: Buffer, by: number, s: Store, out: Buffer[], now: number): void {
  const k = key(a);
  const e = s.get(k, now);
  let cur = 0;
  if (e) {
    const v = int(e.value);
    if (v === null) return void out.push(NOT_INT);
    cur = v;
  }
  const next = cur + by;
  if (!Number.isSafeInteger(next)) return void out.push(OVERFLOW);
  s.set(k, Buffer.from(String(next)), e ? e.expireAt : 0);
  out.push(integer(next));
}

function expire(a: Buffer[], s: Store, out: Buffer[], now: number, unitMs: number, cmd: string): void {
  const n = int(a[2]!);
  if (n === null) return void out.push(NOT_INT);
  if (a.length > 3) {
    // Redis 7's NX/XX/GT/LT options.
    const opt = lower(a[3]!);
    const k = key(a[1]!);
    const e = s.get(k, now);
    if (!['nx', 'xx', 'gt', 'lt'].includes(opt) || a.length > 4) return void out.push(error(`ERR Unsupported option ${a[3]!.toString()}`));
    if (!e) return void out.push(integer(0));
    const at = now + n * unitMs;
    const ttl = e.expireAt === 0 ? Infinity : e.expireAt;
    const ok = opt === 'nx' ? e.expireAt === 0 : opt === 'xx' ? e.expireAt !== 0 : opt === 'gt' ? at > ttl : at < ttl;
    if (!ok) return void out.push(integer(0));
  }
  const k = key(a[1]!);
  const e = s.get(k, now);
  if (!e) return void out.push(integer(0));
  const at = now + n * unitMs;
  if (!Number.isSafeInteger(at)) return void out.push(error(`ERR invalid expire time in '${cmd}' command`));
  if (at <= now) s.delete(k);
  else s.setExpire(k, e, at);
  out.push(integer(1));
}

function ttl(a: Buffer[], s: Store, out: Buffer[], now: number, unitMs: number): void {
  const e = s.get(key(a[1]!), now);
  if (!e) return void out.push(integer(-2));
  if (e.expireAt === 0) return void out.push(integer(-1));
  out.push(integer(unitMs === 1 ? e.expireAt - now : Math.round((e.expireAt - now) / 1000)));
}

const INFO_SECTIONS = (s: Store): string =>
  [
    '# Server',
    'redis_version:7.0.0',
    'redis_mode:standalone',
    'livemig_kv:1',
    `process_id:${process.pid}`,
    '',
    '# Persistence',
    'loading:0',
    '',
    '# Replication',
    'role:master',
    'connected_slaves:0',
    '',
    '# Keyspace',
    ...(s.size > 0 ? [`db0:keys=${s.size},expires=0,avg_ttl=0`] : []),
    '',
  ].join('\r\n');

/** CONFIG GET answers for the parameters redis-benchmark and clients ask about. */
const CONFIG: Record<string, string> = { save: '', appendonly: 'no', databases: '1', maxmemory: '0', 'maxmemory-policy': 'noeviction' };

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
}

export const COMMANDS: Record<string, Command> = {
  ping: {
    arity: -1,
    write: false,
    run: (a, _s, _c, out) => {
      if (a.length > 2) return void out.push(error("ERR wrong number of arguments for 'ping' command"));
      if (a.length === 2) bulkPieces(a[1]!, out);
      else out.push(PONG);
    },
  },
  echo: { arity: 2, write: false, run: (a, _s, _c, out) => bulkPieces(a[1]!, out) },
  get: {
    arity: 2,
    write: false,
    run: (a, s, _c, out, now) => {
      const e = s.get(key(a[1]!), now);
      if (e) bulkPieces(e.value, out);
      else out.push(NIL);
    },
  },
  set: {
    arity: -3,
    write: true,
    run: (a, s, _c, out, now) => {
      let expireAt = 0;
      let nx = false;
      let xx = false;
      let get = false;
      let keepTtl = false;
      for (let i = 3; i < a.length; i++) {
        const o = lower(a[i]!);
        if ((o === 'ex' || o === 'px' || o === 'exat' || o === 'pxat') && i + 1 < a.length && expireAt === 0 && !keepTtl) {
          const n = int(a[++i]!);
          if (n === null) return void out.push(NOT_INT);
          if (n <= 0) return void out.push(error("ERR invalid expire time in 'set' command"));
          expireAt = o === 'ex' ? now + n * 1000 : o === 'px' ? now + n : o === 'exat' ? n * 1000 : n;
          if (!Number.isSafeInteger(expireAt)) return void out.push(error("ERR invalid expire time in 'set' command"));
        } else if (o === 'nx' && !xx) nx = true;
        else if (o === 'xx' && !nx) xx = true;
        else if (o === 'get') get = true;
        else if (o === 'keepttl' && expireAt === 0) keepTtl = true;
        else return void out.push(SYNTAX);
      }
      const k = key(a[1]!);
      const e = s.get(k, now);
      if ((nx && e) || (xx && !e)) {
        if (get && e) bulkPieces(e.value, out);
        else out.push(NIL);
        return;
      }
      if (get) {
        if (e) bulkPieces(e.value, out);
        else out.push(NIL);
      }
      // Values are kept as their own Buffers (a copy out of the socket's chunk).
      s.set(k, Buffer.from(a[2]!), keepTtl && e ? e.expireAt : expireAt);
      if (!get) out.push(OK);
    },
  },
  del: {
    arity: -2,
    write: true,
    run: (a, s, _c, out, now) => {
      let n = 0;
      for (let i = 1; i < a.length; i++) {
        const k = key(a[i]!);
        if (s.get(k, now) && s.delete(k)) n++;
      }
      out.push(integer(n));
    },
  },
  exists: {
    arity: -2,
    write: false,
    run: (a, s, _c, out, now) => {
      let n = 0;
      for (let i = 1; i < a.length; i++) if (s.get(key(a[i]!), now)) n++;
      out.push(integer(n));
    },
  },
  incr: { arity: 2, write: true, run: (a, s, _c, out, now) => incrBy(a[1]!, 1, s, out, now) },
  decr: { arity: 2, write: true, run: (a, s, _c, out, now) => incrBy(a[1]!, -1, s, out, now) },
  incrby: {
    arity: 3,
    write: true,
    run: (a, s, _c, out, now) => {
      const by = int(a[2]!);
      if (by === null) return void out.push(NOT_INT);
      incrBy(a[1]!, by, s, out, now);
    },
  },
  decrby: {
    arity: 3,
    write: true,
    run: (a, s, _c, out, now) => {
      const by = int(a[2]!);
      if (by === null) return void out.push(NOT_INT);
      incrBy(a[1]!, -by, s, out, now);
    },
  },
  mget: {
    arity: -2,
    write: false,
    run: (a, s, _c, out, now) => {
      out.push(Buffer.from(`*${a.length - 1}\r\n`));
      for (let i = 1; i < a.length; i++) {
        const e = s.get(key(a[i]!), now);
        if (e) bulkPieces(e.value, out);
        else out.push(NIL);
      }
    },
  },
  mset: {
    arity: -3,
    write: true,
    run: (a, s, _c, out) => {
      if (a.length % 2 !== 1) return void out.push(error("ERR wrong number of arguments for 'mset' command"));
      for (let i = 1; i < a.length; i += 2) s.set(key(a[i]!), Buffer.from(a[i + 1]!), 0);
      out.push(OK);
    },
  },
  append: {
    arity: 3,
    write: true,
    run: (a, s, _c, out, now) => {
      const k = key(a[1]!);
      const e = s.get(k, now);
      const v = e ? Buffer.concat([e.value, a[2]!]) : Buffer.from(a[2]!);
      s.set(k, v, e ? e.expireAt : 0);
      out.push(integer(v.length));
    },
  },
  strlen: {
    arity: 2,
    write: false,
    run: (a, s, _c, out, now) => out.push(integer(s.get(key(a[1]!), now)?.value.length ?? 0)),
  },
  expire: { arity: -3, write: true, run: (a, s, _c, out, now) => expire(a, s, out, now, 1000, 'expire') },
  pexpire: { arity: -3, write: true, run: (a, s, _c, out, now) => expire(a, s, out, now, 1, 'pexpire') },
  ttl: { arity: 2, write: false, run: (a, s, _c, out, now) => ttl(a, s, out, now, 1000) },
  pttl: { arity: 2, write: false, run: (a, s, _c, out, now) => ttl(a, s, out, now, 1) },
  persist: {
    arity: 2,
    write: true,
    run: (a, s, _c, out, now) => {
      const k = key(a[1]!);
      const e = s.get(k, now);
      if (!e || e.expireAt === 0) return void out.push(integer(0));
      s.setExpire(k, e, 0);
      out.push(integer(1));
    },
  },
  dbsize: { arity: 1, write: false, run: (_a, s, _c, out) => out.push(integer(s.size)) },
  select: {
    arity: 2,
    write: false,
    run: (a, _s, _c, out) => {
      const n = int(a[1]!);
      if (n === null) return void out.push(NOT_INT);
      out.push(n === 0 ? OK : error('ERR DB index is out of range'));
    },
  },
  flushall: {
    arity: -1,
    write: true,
    run: (a, s, _c, out) => {
      if (a.length > 2 || (a.length === 2 && !['sync', 'async'].includes(lower(a[1]!)))) return void out.push(SYNTAX);
      s.clear();
      out.push(OK);
    },
  },
  flushdb: { arity: -1, write: true, run: (a, s, c, out, now) => COMMANDS.flushall!.run(a, s, c, out, now) },
  info: {
    arity: -1,
    write: false,
    run: (_a, s, _c, out) => bulkPieces(INFO_SECTIONS(s), out),
  },
  config: {
    arity: -2,
    write: false,
    run: (a, _s, _c, out) => {
      const sub = lower(a[1]!);
      if (sub === 'get') {
        if (a.length < 3) return void out.push(error("ERR wrong number of arguments for 'config|get' command"));
        const pairs: RespValue[] = [];
        for (let i = 2; i < a.length; i++) {
          const re = glob(a[i]!.toString());
          for (const [k, v] of Object.entries(CONFIG)) if (re.test(k)) pairs.push(k, v);
        }
        return encode(pairs, out);
      }
      if (sub === 'set') return void out.push(OK);
      if (sub === 'resetstat') return void out.push(OK);
      out.push(error(`ERR unknown subcommand '${a[1]!.toString()}'. Try CONFIG HELP.`));
    },
  },
  command: {
    arity: -1,
    write: false,
    run: (a, _s, _c, out) => {
      const sub = a.length > 1 ? lower(a[1]!) : '';
      if (sub === '') return encode(commandTable(), out);
      if (sub === 'count') return void out.push(integer(Object.keys(COMMANDS).length));
      // redis-cli asks for COMMAND DOCS at start (hints only): none.
      if (sub === 'docs') return void out.push(EMPTY_ARRAY);
      if (sub === 'info') {
        const rows: RespValue[] = [];
        for (let i = 2; i < a.length; i++) {
          const n = lower(a[i]!);
          rows.push(COMMANDS[n] ? commandRow(n) : null);
        }
        return encode(rows, out);
      }
      out.push(error(`ERR unknown subcommand '${a[1]!.toString()}'. Try COMMAND HELP.`));
    },
  },
  client: {
    arity: -2,
    write: false,
    run: (a, _s, c, out) => {
      const sub = lower(a[1]!);
      if (sub === 'setname') {
        if (a.length !== 3) return void out.push(error("ERR wrong number of arguments for 'client|setname' command"));
        if (/[\s]/.test(a[2]!.toString())) return void out.push(error('ERR Client names cannot contain spaces, newlines or special characters.'));
        c.name = a[2]!.length ? a[2]!.toString() : null;
        return void out.push(OK);
      }
      if (sub === 'getname') return encode(c.name, out);
      // Clients send CLIENT SETINFO on connect and ignore an error.
      if (sub === 'setinfo') return void out.push(OK);
      out.push(error(`ERR unknown subcommand '${a[1]!.toString()}'. Try CLIENT HELP.`));
    },
  },
  quit: {
    arity: -1,
    write: false,
    run: (_a, _s, c, out) => {
      c.quit = true;
      out.push(OK);
    },
  },
};

function commandRow(name: string): RespValue {
  const c = COMMANDS[name]!;
  const hasKey = !['ping', 'echo', 'dbsize', 'select', 'flushall', 'flushdb', 'info', 'config', 'command', 'client', 'quit'].includes(name);
  const last = ['del', 'exists', 'mget'].includes(name) ? -1 : name === 'mset' ? -1 : 1;
  return [name, c.arity, [c.write ? 'write' : 'readonly'], hasKey ? 1 : 0, hasKey ? last : 0, hasKey ? (name === 'mset' ? 2 : 1) : 0];
}

function commandTable(): RespValue[] {
  return Object.keys(COMMANDS).map(commandRow);
}

/** Executes one request; pushes its reply. */
export function execute(args: Buffer[], s: Store, c: ClientState, out: Buffer[], now: number): void {
  if (args.length === 0) return; // an empty inline line: Redis ignores it
  const name = lower(args[0]!);
  const cmd = COMMANDS[name];
  if (!cmd) {
    let rest = '';
    for (let i = 1; i < args.length && rest.length < 128; i++) rest += `'${args[i]!.toString().slice(0, 128)}' `;
    return void out.push(error(`ERR unknown command '${args[0]!.toString().slice(0, 128)}', with args beginning with: ${rest}`));
  }
  if ((cmd.arity > 0 && args.length !== cmd.arity) || (cmd.arity < 0 && args.length < -cmd.arity)) {
    return void out.push(error(`ERR wrong number of arguments for '${name}' command`));
  }
  cmd.run(args, s, c, out, now);
}

export { simple };
