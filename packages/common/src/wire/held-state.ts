/**
 * precopy-resume: a device's held-state report (its receivedState(), e.g.
 * RAM's bitmap of the pages received whole) on the return path, as QEMU's
 * MIG_RP_MSG_RECV_BITMAP carries a ramblock's received bitmap. Return-path
 * messages have no payload and a small header limit, so the report is
 * deflated (a mostly-received bitmap shrinks to almost nothing) and cut into
 * pieces; `last` closes one device's report. RAM's report is a batch
 * number per page (runs of equal numbers: it deflates well). Each side runs this once per
 * resume, never on the page path.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ProtocolError } from '../errors';
import type { RpMessage } from './messages';

/** Bytes of deflated report per message (well inside MAX_RP_HEADER_BYTES). */
export const HELD_STATE_PIECE_BYTES = 3072;
/** Most bytes one device's report may inflate to (RAM reports 4 bytes a page: 64 MiB for 64 GiB of 4 KiB pages). */
export const MAX_HELD_STATE_BYTES = 256 * 1024 * 1024;

/** The messages that carry one device's report; `state` null: the device has no receivedState (the source resends it whole). */
export function heldStateMessages(deviceId: string, state: Uint8Array | null): RpMessage[] {
  if (state === null) return [{ recvBitmap: { deviceId, none: true, last: true } }];
  const packed = deflateRawSync(state);
  const out: RpMessage[] = [];
  // A deflate stream is never empty, so there is always at least one piece.
  for (let off = 0; off < packed.length; off += HELD_STATE_PIECE_BYTES) {
    const end = Math.min(packed.length, off + HELD_STATE_PIECE_BYTES);
    out.push({ recvBitmap: { deviceId, data: packed.subarray(off, end), last: end === packed.length } });
  }
  return out;
}

export interface HeldStatePiece {
  readonly deviceId?: string | null;
  readonly data?: Uint8Array | null;
  readonly last?: boolean | null;
  readonly none?: boolean | null;
}

/** Puts the pieces back together, per device; checks their order and size. */
export class HeldStateAssembler {
  private readonly parts = new Map<string, Uint8Array[]>();
  /** Complete reports: the device's bytes, or null (no receivedState there). */
  private readonly done = new Map<string, Uint8Array | null>();

  add(piece: HeldStatePiece): void {
    const id = piece.deviceId ?? '';
    if (this.done.has(id)) throw new ProtocolError(`return path: second held-state report for '${id}'`);
    if (piece.none === true) {
      if (this.parts.has(id)) throw new ProtocolError(`return path: held-state report for '${id}' both with data and without`);
      this.done.set(id, null);
      return;
    }
    let list = this.parts.get(id);
    if (!list) this.parts.set(id, (list = []));
    list.push(piece.data ?? new Uint8Array(0));
    if (piece.last !== true) return;
    this.parts.delete(id);
    try {
      this.done.set(id, new Uint8Array(inflateRawSync(Buffer.concat(list), { maxOutputLength: MAX_HELD_STATE_BYTES })));
    } catch (err) {
      throw new ProtocolError(`return path: held-state report for '${id}' does not inflate: ${(err as Error).message}`);
    }
  }

  /** Every report that was started is complete. */
  get complete(): boolean {
    return this.parts.size === 0;
  }

  /** The device's report: bytes, null (no receivedState there), or undefined (none came). */
  get(deviceId: string): Uint8Array | null | undefined {
    return this.done.get(deviceId);
  }
}
