package dev.ebpfc.frontend.insn;

/// Byte-order operations (RFC 9669 §4.2): `le`/`be` in the `ALU` class convert from host order
/// (ebpfc hosts are little-endian, so `le` only truncates), `bswap` in `ALU64` swaps unconditionally.
public enum EndianOp {
    LE("le"), BE("be"), BSWAP("bswap");

    public final String mnemonic;

    EndianOp(String mnemonic) {
        this.mnemonic = mnemonic;
    }
}
