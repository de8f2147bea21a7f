/// ISA-independent machine functions for register allocation: virtual and physical registers,
/// instructions reduced to their operand roles (the ISA keeps its own opcode payload), blocks that
/// mirror the IR blocks, with block parameters and per-edge arguments (resolved after allocation
/// as parallel copies on the edges).
package dev.ebpfc.backend.mir;
