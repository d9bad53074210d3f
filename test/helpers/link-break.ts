/**
 * Breaking a namespace link (helpers/netns.ts) and mending it, for the
 * precopy-resume tests. Two kinds of break, neither of which tells either
 * end anything (no RST, no FIN, just silence):
 * - `link-down`: `ip link set veth0 down` on one side (carrier loss; packets
 *   queued there are lost);
 * - `drop`: an nftables table in one side's namespace dropping every packet
 *   in and out.
 *
 * Every break made here is tracked: `mendAll()` (afterEach, before
 * closeLinks) undoes those still in place, so a failing test never leaves
 * a link down or a drop table behind even if the namespaces outlived it.
 */
import type { Link, Side } from '../../scripts/lib/netns.mjs' with { 'resolution-mode': 'import' };

export type BreakKind = 'link-down' | 'drop';

export class LinkBreak {
  private broken = false;

  constructor(
    readonly link: Link,
    readonly kind: BreakKind,
    /** Where the break is made: the source's side (a) for link-down, the destination's (b) for drop, by default. */
    readonly side: Side = kind === 'link-down' ? 'a' : 'b',
  ) {}

  get active(): boolean {
    return this.broken;
  }

  /** Breaks the link (idempotent). */
  break(): void {
    if (this.broken) return;
    this.apply(true);
    this.broken = true;
    breaks.add(this);
  }

  /** Mends it (idempotent; a no-op once the namespaces are gone). */
  mend(): void {
    if (!this.broken) return;
    this.broken = false;
    breaks.delete(this);
    if (this.link.destroyed) return;
    this.apply(false);
  }

  private apply(on: boolean): void {
    if (this.kind === 'link-down') this.link.setLink(this.side, !on);
    else this.link.setDrop(this.side, on);
  }
}

const breaks = new Set<LinkBreak>();

/** A break of `kind` on `link` (not yet made: call break()). */
export function linkBreak(link: Link, kind: BreakKind, side?: Side): LinkBreak {
  return new LinkBreak(link, kind, side);
}

/** Mends every break still in place (afterEach, before closeLinks()). */
export function mendAll(): void {
  for (const b of [...breaks]) {
    try {
      b.mend();
    } catch {
      // the namespace went away under it: nothing left to mend
    }
  }
}
