package dev.ebpfc.backend.riscv64;

/// A signed 12-bit immediate, the operand of every I-type and S-type instruction
/// (Unprivileged ISA 20191213 §2.3), and the lui/addi split of wider constants.
public record Imm12(int value) {
    public static final int MIN = -2048;
    public static final int MAX = 2047;

    public Imm12 {
        if (!fits(value)) throw new IllegalArgumentException("imm12 out of range: " + value);
    }

    public static boolean fits(long v) {
        return v >= MIN && v <= MAX;
    }

    /// The low 12 bits of `v`, sign-extended: what an `addi` adds after a `lui`.
    public static int lo12(long v) {
        return (int) (v << 52 >> 52);
    }

    /// The `lui` field that, followed by `addi(w) lo12(v)`, builds the 32-bit value `v`. The +0x800
    /// compensates for `lo12` being negative when bit 11 is set.
    public static int hi20(int v) {
        return ((v + 0x800) >>> 12) & 0xfffff;
    }
}
