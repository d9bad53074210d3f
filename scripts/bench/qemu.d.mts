/** Types for the parts of qemu.mjs the tests use (test/bench-qemu.test.ts). */
export declare function qemuInstalled(): { ok: true; path: string; version: string | null } | { ok: false; skipped: string };
export declare function writeImage(spec: string, path: string): void;
export declare function writeFirmware(path: string): void;
export declare function sameMemory(dumpPath: string, imagePath: string, bytes: number): { same: true } | { same: false; at: number; why?: string };
export declare function fold(runs: Array<Record<string, unknown>>): Record<string, unknown>;
