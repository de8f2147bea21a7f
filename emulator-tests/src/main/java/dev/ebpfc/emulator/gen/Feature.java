package dev.ebpfc.emulator.gen;

/// The statement kinds the [ProgramGenerator] chooses among, each weighted by [GeneratorConfig].
/// A statement is a few instructions: the one under test plus the set-up that makes it valid
/// (an initialised operand, an in-bounds pointer) or interesting (INT_MIN before a division).
public enum Feature {
    /// ALU/ALU64 add, sub, mul, or, and, xor, mov, neg with immediate or register source.
    ALU,
    /// lsh, rsh, arsh by 0, by at least the width, by masked-away bits (immediate and register).
    SHIFT,
    /// div, sdiv, mod, smod including by 0 and INT_MIN by -1, 32 and 64 bit.
    DIVISION,
    /// movsx8/16/32 of values with the sign bit of the narrow type set or clear.
    MOVSX,
    /// le, be, bswap of 16, 32 and 64 bits.
    ENDIAN,
    /// lddw of 64-bit constants.
    LDDW,
    /// ldx and ldxs of every size at boundary offsets of the stack and the input memory.
    LOAD,
    /// st and stx of every size and register at boundary offsets.
    STORE,
    /// Atomic read-modify-write with every operation, size, fetch flag and register.
    ATOMIC,
    /// Conditional forward jumps (JMP and JMP32, immediate and register) over a nested block,
    /// sometimes if/else, sometimes over filler longer than a short branch reaches.
    BRANCH,
    /// `ja`/`gotol` over dead code.
    GOTO,
    /// A loop bounded by a reserved counter register, closed by a backward jump.
    LOOP,
    /// A jump from the middle of a function to its epilogue.
    EARLY_EXIT,
    /// `call local` of a later function, arguments set up, r1–r5 dead afterwards.
    LOCAL_CALL,
    /// `callx` of a function address (`lddw func`) or of a helper number.
    CALLX,
    /// A conformance-profile helper call (gather_bytes, memfrob, trash registers, sqrti,
    /// strcmp_ext, unwind).
    HELPER_CALL,
    /// Legacy `ldabs`/`ldind` of the input memory (r6 needed, r0–r5 clobbered).
    PACKET_LOAD,
    /// Derived pointers: r10 minus a constant, the input memory plus a constant.
    POINTER
}
