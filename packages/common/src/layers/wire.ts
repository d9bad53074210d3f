/**
 * The wire layer, `@livemig/common/wire`: the protobuf messages, the framing
 * (length prefix, header, raw payload) in both directions, the pooled socket
 * reader, page compression, and the stream protocol's constants. It knows no
 * device, no QMP and no daemon (test/layers.test.ts checks that); the engines
 * (source, destination) and the stream tests use it.
 */
export { livemig, SectionType, type FrameMessage, type RpMessage, type ConfigurationMessage } from '../wire/messages';
export { encodeFrame, encodeFrameHeader, encodeRpMessage } from '../wire/frame-encoder';
export { warmEndOfMigration } from '../wire/end-warm-up';
export { FrameDecoder, type DecodedFrame } from '../wire/frame-decoder';
export { createStreamDecoder, createReturnPathDecoder, type DecodedFrameMessage, type DecodedRpMessage } from '../wire/codecs';
export { adoptForPooledReads, type ChunkInput } from '../wire/pooled-reader';
export { TickCork } from '../tick-cork';
export { heldStateMessages, HeldStateAssembler, HELD_STATE_PIECE_BYTES, MAX_HELD_STATE_BYTES, type HeldStatePiece } from '../wire/held-state';
export { CompressionPool, compressionThreads, parkCompressionPool, takeCompressionPool, warmCompressionPool, type CompressionMethod } from '../compression/compression-pool';
export { compressPages, inflateZstdPacket } from '../compression/page-codec';
export { logZstdCodec, zstdCodec, type ZstdCodec } from '../compression/zstd-codec';
export {
  STREAM_MAGIC,
  STREAM_VERSION,
  FRAME_PREFIX_BYTES,
  MAX_HEADER_BYTES,
  MAX_PAYLOAD_BYTES,
  MAX_RP_HEADER_BYTES,
  MAX_RP_QUEUED_BYTES,
  MIN_DIRECT_READ_BYTES,
  RAM_FRAME_BYTES,
  ROUND_BYTES,
  BANDWIDTH_WINDOW_MS,
  FIRST_PING_VALUE,
  PING_INTERVAL_MS,
  HANDSHAKE_TIMEOUT_MS,
  MAX_PENDING_HANDSHAKES,
  HEADER_TIMEOUT_MS,
  INCOMING_IDLE_LIMIT_MS,
  AUTH_NONCE_BYTES,
  MAX_ABANDONED_IDS,
  MIGRATION_ID_BYTES,
} from '../constants';
