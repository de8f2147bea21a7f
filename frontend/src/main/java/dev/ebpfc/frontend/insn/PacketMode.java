package dev.ebpfc.frontend.insn;

/// Modes of the legacy packet loads of the `LD` class (RFC 9669 §5.5): `ABS` reads at a constant
/// offset, `IND` at `src + imm`, both into r0 in network byte order.
public enum PacketMode {
    ABS(0x20, "ldabs"), IND(0x40, "ldind");

    public final int bits;
    public final String mnemonic;

    PacketMode(int bits, String mnemonic) {
        this.bits = bits;
        this.mnemonic = mnemonic;
    }
}
