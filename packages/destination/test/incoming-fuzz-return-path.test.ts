/** Fuzz of the destination's load path, in process, with a return path and switchover-ack (incoming-fuzz-cases.ts). */
import { describeIncomingFuzz } from './incoming-fuzz-cases';

describeIncomingFuzz('with return path and switchover-ack', { returnPath: true, switchoverAck: true, verify: true }, 800, 0x5eed2);
