package dev.ebpfc.backend.arm64;

import java.util.Optional;

/// The immediate of ADD/SUB (immediate) (Arm ARM DDI 0487 C6.2 "ADD (immediate)"): an unsigned
/// 12-bit value, optionally shifted left by 12 (`sh` bit). Values like 0x1000 have both a shifted
/// encoding and none unshifted; [#of] prefers the unshifted one, as GNU as does.
public record Imm12(int bits, boolean shifted) {
    public Imm12 {
        if (bits < 0 || bits > 0xfff) throw new IllegalArgumentException("imm12 out of range: " + bits);
    }

    public static boolean fits(long value) {
        return of(value).isPresent();
    }

    public static Optional<Imm12> of(long value) {
        if (value >= 0 && value <= 0xfff) return Optional.of(new Imm12((int) value, false));
        if ((value & 0xfff) == 0 && value >= 0 && value <= 0xfff_000L) return Optional.of(new Imm12((int) (value >>> 12), true));
        return Optional.empty();
    }

    public long value() {
        return shifted ? (long) bits << 12 : bits;
    }
}
