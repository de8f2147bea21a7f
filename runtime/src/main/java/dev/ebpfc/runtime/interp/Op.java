package dev.ebpfc.runtime.interp;

/// The interpreter's internal opcodes. Instructions whose opcode byte alone says what they do keep
/// it (0x00–0xff); those told apart by `offset` or `imm` in the encoding (signed division and
/// modulo, sign-extending moves, byte swaps by width, atomics, `lddw`, call kinds) get a code of
/// their own above 0xff, so the interpreter dispatches with a single `switch`.
final class Op {
    private Op() {
    }

    static final int SDIV32_K = 0x100, SDIV32_X = 0x101, SMOD32_K = 0x102, SMOD32_X = 0x103;
    static final int SDIV64_K = 0x104, SDIV64_X = 0x105, SMOD64_K = 0x106, SMOD64_X = 0x107;
    static final int MOVSX8_32 = 0x108, MOVSX16_32 = 0x109, MOVSX8_64 = 0x10a, MOVSX16_64 = 0x10b, MOVSX32_64 = 0x10c;
    static final int LE16 = 0x110, LE32 = 0x111, LE64 = 0x112, BE16 = 0x113, BE32 = 0x114, BE64 = 0x115;
    static final int BSWAP16 = 0x116, BSWAP32 = 0x117, BSWAP64 = 0x118;
    /// Atomics: ATOMIC + (64-bit ? 16 : 0) + 2 * operation index + fetch.
    static final int ATOMIC = 0x120;
    static final int A_ADD = 0, A_OR = 1, A_AND = 2, A_XOR = 3, A_XCHG = 4, A_CMPXCHG = 5;
    static final int LDDW = 0x140, CALL_LOCAL = 0x141, CALL_KFUNC = 0x142, UNSUPPORTED = 0x143;
    /// Second slot of an lddw: never executed (jumps cannot land there).
    static final int LDDW_HIGH = 0x144;
}
