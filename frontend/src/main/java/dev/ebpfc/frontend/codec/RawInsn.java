package dev.ebpfc.frontend.codec;

/// One 64-bit slot split into its fields (RFC 9669 §3): `opcode:8 src:4 dst:4 offset:16 imm:32`,
/// little-endian with `dst` in the low nibble of the register byte.
public record RawInsn(int opcode, int dst, int src, short offset, int imm) {

    public static RawInsn fromLong(long v) {
        return new RawInsn((int) (v & 0xff), (int) ((v >>> 8) & 0xf), (int) ((v >>> 12) & 0xf),
                (short) (v >>> 16), (int) (v >>> 32));
    }

    public long toLong() {
        return (opcode & 0xffL) | ((long) (dst & 0xf) << 8) | ((long) (src & 0xf) << 12)
                | ((offset & 0xffffL) << 16) | ((imm & 0xffffffffL) << 32);
    }

    @Override
    public String toString() {
        return String.format("{op=0x%02x dst=%d src=%d off=%d imm=%d}", opcode, dst, src, offset, imm);
    }
}
