/** Wire and protocol constants shared by both daemons. */

/** "LMIG": first field of every stream, as QEMU's "QEVM". */
export const STREAM_MAGIC = 0x4c4d4947;
/**
 * 2: authentication (auth_nonce/AuthChallenge/AuthResponse) and the Loaded → RESUME commit.
 * 3: CONFIG_ACCEPTED (the source sends no state before it), multifd channels
 *    named in their StreamHeader and authenticated each with its own challenge.
 */
export const STREAM_VERSION = 5;

/** A frame header (the protobuf part) is small; anything bigger is hostile. */
export const MAX_HEADER_BYTES = 64 * 1024;
/** Largest raw payload a single frame may carry. */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
/** Return-path messages carry no payload and are small (QEMU caps them at 512). */
export const MAX_RP_HEADER_BYTES = 4096;
/** Bytes of the length prefix before each header. */
export const FRAME_PREFIX_BYTES = 4;

/** Page data per RAM frame: 4 MiB amortises the header, the destination's header read and the writev per frame (1 MiB cost ~15% of the receive rate); small enough to interleave devices. */
export const RAM_FRAME_BYTES = 4 * 1024 * 1024;
/** Accel data per frame (QEMU's VFIO reads at most 1 MiB per iteration). */
export const ACCEL_FRAME_BYTES = 1024 * 1024;
/** Size of each reused receive buffer (wire/pooled-reader.ts): one read takes up to this much. */
export const RECEIVE_BUFFER_BYTES = 1024 * 1024;
/** Least size of a payload region worth a read of its own straight into place (smaller ones are read in bulk and copied). */
export const MIN_DIRECT_READ_BYTES = 64 * 1024;
/** How much one precopy round writes before yielding to the event loop. */
export const ROUND_BYTES = 4 * 1024 * 1024;

/** Bandwidth is measured over windows of this length (QEMU's BUFFER_DELAY). */
export const BANDWIDTH_WINDOW_MS = 100;

/** Version of each device's section format. */
export const DEVICE_VERSIONS = { ram: 1, accel: 1, cpu: 1 } as const;

/** Bytes of register state per vCPU. */
export const CPU_STATE_BYTES_PER_VCPU = 1024;

/** Value sent in the PING that follows OPEN_RETURN_PATH (as QEMU's ping 1). */
export const FIRST_PING_VALUE = 1;

/** With return-path, the source pings at least this often (keepalive for both ends' stall detection). */
export const PING_INTERVAL_MS = 1000;
/** Bound on a connection's handshake (header, auth, configuration) when stall-timeout is 0 (off). */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Connections allowed to be in their handshake at once on a destination; when full, the idlest is evicted for a new one. */
export const MAX_PENDING_HANDSHAKES = 4;
/**
 * A connection must have sent its whole StreamHeader this soon after it was
 * accepted (a real source sends it at once): silent or slow clients are
 * dropped long before the handshake bound.
 */
export const HEADER_TIMEOUT_MS = 2_000;
/**
 * After the configuration was accepted, the longest the destination waits for
 * OPEN_RETURN_PATH (with return-path) and the longest a source may send
 * nothing at all (with or without return-path) when stall-timeout is 0 (off).
 */
export const INCOMING_IDLE_LIMIT_MS = 60_000;
/** Return-path bytes the destination lets queue up unread before it calls the source stalled. */
export const MAX_RP_QUEUED_BYTES = 1024 * 1024;

/**
 * Ids of its earlier migrations (ended before their commit) a source names in a new
 * migration's header (StreamHeader.abandons), so a destination still holding one of them
 * (paused, or not yet aware of the break) discards it instead of refusing the new one.
 * One destination holds at most one; a few cover a source that tried several destinations.
 */
export const MAX_ABANDONED_IDS = 4;
/** Bytes of a migration id (random, in the Configuration; multifd channels and resumes name it). */
export const MIGRATION_ID_BYTES = 16;

/** Random bytes in each authentication nonce. */
export const AUTH_NONCE_BYTES = 32;
/** HMAC labels: each proof is bound to its direction (no reflection). */
export const AUTH_LABEL_DESTINATION = 'livemig-auth destination';
export const AUTH_LABEL_SOURCE = 'livemig-auth source';
/** multifd channels: their own labels, and the proof also covers the migration id and channel index. */
export const AUTH_LABEL_CHANNEL_DESTINATION = 'livemig-auth multifd-channel destination';
export const AUTH_LABEL_CHANNEL_SOURCE = 'livemig-auth multifd-channel source';
