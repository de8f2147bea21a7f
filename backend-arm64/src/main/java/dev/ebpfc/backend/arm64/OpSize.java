package dev.ebpfc.backend.arm64;

/// Register width of a data-processing or branch instruction: the `sf` bit of most A64 encodings
/// (Arm ARM DDI 0487 C1.2.5: W names the low 32 bits, and writing it zeroes the upper half).
/// Memory access sizes are carried by [Arm64Insn.MemOp] instead, since they run B/H/W/X.
public enum OpSize {
    W(32), X(64);

    public final int bits;

    OpSize(int bits) {
        this.bits = bits;
    }

    /// The `sf` field value.
    public int sf() {
        return this == X ? 1 : 0;
    }

    /// Truncates `value` to this width, zero-extended.
    public long mask(long value) {
        return this == X ? value : value & 0xffff_ffffL;
    }
}
