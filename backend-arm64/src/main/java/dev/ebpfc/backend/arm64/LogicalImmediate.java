package dev.ebpfc.backend.arm64;

import java.util.OptionalInt;
import java.util.OptionalLong;

/// Bitmask immediates of the logical-immediate class (AND/ORR/EOR/ANDS, Arm ARM DDI 0487 C4.1
/// "Logical (immediate)"; decoding is the pseudocode function `DecodeBitMasks`, J1).
///
/// An encodable value is an element of 2, 4, 8, 16, 32 or 64 bits, replicated across the register,
/// whose bits are one contiguous run of ones rotated right by some amount. The 13-bit field
/// `N:immr:imms` says: `N` and the leading ones of `imms` give the element size, the rest of
/// `imms` is the run length minus one, `immr` the rotation. 0 and all-ones are not encodable (a
/// run cannot fill its element). There are 5334 encodable 64-bit values and 1302 32-bit ones.
public final class LogicalImmediate {
    private LogicalImmediate() {
    }

    /// The `N:immr:imms` field (N in bit 12, immr in bits 11–6, imms in bits 5–0) that encodes
    /// `value` at `width` (32 or 64), or empty. For width 32 only the low 32 bits may be set.
    public static OptionalInt encode(long value, int width) {
        checkWidth(width);
        if (width == 32) {
            if ((value >>> 32) != 0) return OptionalInt.empty();
            value |= value << 32; // a 32-bit pattern is a 64-bit one with element size <= 32
        }
        if (value == 0 || value == -1) return OptionalInt.empty();
        // Smallest period: halve while the value equals itself rotated by half the element.
        int size = 64;
        while (size > 2 && Long.rotateRight(value, size / 2) == value) size /= 2;
        long mask = size == 64 ? -1L : (1L << size) - 1;
        long elem = value & mask;
        int ones = Long.bitCount(elem);
        long run = (1L << ones) - 1; // ones < size, so no overflow at size 64
        // Find r with rotr(elem, r) == run inside the element; then elem == rotr(run, size - r).
        for (int r = 0; r < size; r++) {
            if (rotrElem(elem, r, size) == run) {
                int immr = (size - r) % size;
                int n = size == 64 ? 1 : 0;
                int imms = (~(2 * size - 1) & 0x3f) | (ones - 1);
                return OptionalInt.of(n << 12 | immr << 6 | imms);
            }
        }
        return OptionalInt.empty();
    }

    public static boolean fits(long value, int width) {
        return encode(value, width).isPresent();
    }

    /// The value `N:immr:imms` decodes to at `width`, or empty for reserved encodings (N=1 at
    /// width 32, an element size below 2, or a run that fills its element). Bits of `immr` above
    /// the element size are ignored, as `DecodeBitMasks` ignores them.
    public static OptionalLong decode(int nImmrImms, int width) {
        checkWidth(width);
        if ((nImmrImms & ~0x1fff) != 0) throw new IllegalArgumentException("not a 13-bit field: " + nImmrImms);
        int n = nImmrImms >>> 12;
        int immr = (nImmrImms >>> 6) & 0x3f;
        int imms = nImmrImms & 0x3f;
        if (width == 32 && n == 1) return OptionalLong.empty();
        int combined = n << 6 | (~imms & 0x3f);
        if (combined < 2) return OptionalLong.empty();
        int size = Integer.highestOneBit(combined);
        int levels = size - 1;
        int s = imms & levels;
        int r = immr & levels;
        if (s == levels) return OptionalLong.empty();
        long elem = rotrElem((1L << (s + 1)) - 1, r, size);
        long value = elem;
        for (int i = size; i < 64; i *= 2) value |= value << i;
        return OptionalLong.of(width == 32 ? value & 0xffff_ffffL : value);
    }

    private static long rotrElem(long v, int r, int size) {
        if (size == 64) return Long.rotateRight(v, r);
        if (r == 0) return v;
        long mask = (1L << size) - 1;
        return ((v >>> r) | (v << (size - r))) & mask;
    }

    private static void checkWidth(int width) {
        if (width != 32 && width != 64) throw new IllegalArgumentException("width must be 32 or 64: " + width);
    }
}
