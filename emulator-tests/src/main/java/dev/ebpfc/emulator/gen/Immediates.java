package dev.ebpfc.emulator.gen;

import java.util.SplittableRandom;

/// Immediates and register values where JITs break: encoding boundaries of each ISA (x86 imm8,
/// RISC-V 12-bit `addi` and `lui`+`addi` carries, ARM64 12-bit arithmetic and logical
/// immediates), sign boundaries and the 32/64-bit edges, each drawn often, mixed with small and
/// uniformly random values.
final class Immediates {
    private Immediates() {
    }

    /// 32-bit values at encoding and sign boundaries.
    static final int[] INT_EDGES = {
            0, 1, -1, 2, -2, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65,
            // x86 imm8 and disp8
            127, 128, -127, -128, -129, 255, 256,
            // RISC-V addi (signed 12 bit), ARM64 add/sub imm12
            2047, 2048, -2047, -2048, -2049, 4095, 4096, 4097,
            // 16-bit: ARM64 movz/movn halves, BPF offsets
            32767, 32768, -32767, -32768, -32769, 65535, 65536,
            Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE - 1,
            // ARM64 logical immediates (rotated runs of ones, replicated patterns)
            0x00ff00ff, 0x0f0f0f0f, 0x55555555, 0xaaaaaaaa, 0xfffffffe, 0xffff0000, 0x0000fff0, 0x3c, 0x7fffffff,
            // not ARM64 logical immediates
            0x12345678, 5, 0x00ff00fe, 0x7ffffffd, 0x0000f0f1,
            // RISC-V lui+addi: a low part >= 0x800 borrows from the upper 20 bits
            0x800, 0xfff, 0x1800, 0x7ffff800, 0x12345fff, 0xfffff7ff, 0x80000800, 0x7fffffff - 0x7ff,
    };

    /// 64-bit values for `lddw` and register set-up.
    static final long[] LONG_EDGES = {
            0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1,
            0xffff_ffffL, 0x1_0000_0000L, 0x1_0000_0001L, 0xffff_ffff_0000_0000L, 0xffff_ffff_0000_0001L,
            0x8000_0000L, 0xffff_ffff_8000_0000L, 0x7fff_ffffL, 0x0000_0001_8000_0000L, 0x8000_0000_0000_0001L,
            0xffff_ffff_7fff_ffffL, 0x0000_0000_0000_ff80L, 0xffff_ffff_ffff_ff7fL, 0xdead_beef_cafe_babeL,
            0x5555_5555_5555_5555L, 0xaaaa_aaaa_aaaa_aaaaL, 0x00ff_00ff_00ff_00ffL, 0x0000_ffff_0000_ffffL,
            0x1234_5678_9abc_def0L, 0x8000_0000_8000_0000L, 0x7fff_ffff_ffff_f800L,
    };

    static int imm(SplittableRandom r) {
        int pick = r.nextInt(10);
        if (pick < 6) return INT_EDGES[r.nextInt(INT_EDGES.length)];
        if (pick < 8) return r.nextInt(-16, 17);
        return r.nextInt();
    }

    static long imm64(SplittableRandom r) {
        int pick = r.nextInt(10);
        if (pick < 4) return LONG_EDGES[r.nextInt(LONG_EDGES.length)];
        if (pick < 6) return (long) INT_EDGES[r.nextInt(INT_EDGES.length)];
        // An edge in each half, so the upper 32 bits differ from the sign of the lower.
        if (pick < 8) return ((long) INT_EDGES[r.nextInt(INT_EDGES.length)] << 32) | (INT_EDGES[r.nextInt(INT_EDGES.length)] & 0xffff_ffffL);
        return r.nextLong();
    }

    /// A value that is not zero (for unwind's argument).
    static int nonZero(SplittableRandom r) {
        int v = imm(r);
        return v == 0 ? 1 : v;
    }
}
