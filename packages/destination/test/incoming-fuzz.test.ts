/** Fuzz of the destination's load path, in process, without a return path (incoming-fuzz-cases.ts). */
import { describeIncomingFuzz } from './incoming-fuzz-cases';

describeIncomingFuzz('without return path', { returnPath: false, switchoverAck: false, verify: true }, 1200, 0x5eed1);
