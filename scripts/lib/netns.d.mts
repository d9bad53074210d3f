/** Types for netns.mjs (used by the TypeScript tests through test/helpers/netns.ts). */
export declare const PREFIX: string;
export declare const DEV: string;
export declare const ADDR: { a: string; b: string };
export type Side = 'a' | 'b';
export interface Shaper {
  rateBits: number;
  burstBytes: number;
  limitBytes: number;
}
export declare function parseRate(rate: string | number): number;
export declare function shaperFor(rateBits: number): Shaper;
export declare function netnsSupport(tools?: string[]): { ok: true } | { ok: false; reason: string };
export declare function listNamespaces(): string[];
export declare function listNamespacesAsync(): Promise<string[]>;
export declare function sweepStale(): string[];
export declare function sweepStaleAsync(): Promise<string[]>;
export declare function liveOwners(): number[];
export declare class Link {
  constructor(opts?: { rate?: string | number | null });
  /** The constructor's work without blocking the event loop (execFile, not spawnSync). */
  static open(opts?: { rate?: string | number | null }): Promise<Link>;
  readonly ns: { a: string; b: string };
  readonly addr: { a: string; b: string };
  readonly dev: string;
  shaper: Shaper | null;
  destroyed: boolean;
  shape(rate: string | number): Shaper;
  shapeAsync(rate: string | number): Promise<Shaper>;
  /** A fresh temp dir removed with the link (destroy, destroyAsync, exit and signal teardown; the sweep if killed). */
  tempDir(): string;
  prefix(side: Side): string[];
  exec(side: Side, cmd: string, args?: string[]): string;
  setLink(side: Side, up: boolean): void;
  setLinkAsync(side: Side, up: boolean): Promise<void>;
  setDrop(side: Side, drop: boolean): void;
  setDropAsync(side: Side, drop: boolean): Promise<void>;
  stats(side: Side): string;
  destroy(): void;
  destroyAsync(): Promise<void>;
}
export declare function createLink(opts?: { rate?: string | number | null }): Link;
