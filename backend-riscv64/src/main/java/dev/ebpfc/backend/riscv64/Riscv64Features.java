package dev.ebpfc.backend.riscv64;

import java.util.EnumSet;
import java.util.Set;

/// Which optional extensions the encoder may use beyond the RV64IMA baseline.
///
/// The baseline is what every RV64 Linux machine and the Unicorn 2.0 emulator we test under can
/// run. Unicorn 2.0 rejects Zba/Zbb, so they are opt-in; C is opt-in too, because compressed
/// instructions change code size and therefore every branch distance.
public record Riscv64Features(Set<Extension> extensions) {

    public enum Extension {
        /// Address generation (Bit-Manipulation ISA-extensions 1.0.0 §2.1): `sh1add`, `add.uw`...
        ZBA,
        /// Basic bit manipulation (ibid. §2.2): `andn`, `rev8`, `sext.b`, `zext.h`, rotates...
        ZBB,
        /// Compressed 16-bit forms (Unprivileged ISA 20191213 ch. 16).
        C
    }

    /// RV64IMA: no optional extension.
    public static final Riscv64Features BASELINE = of();

    public Riscv64Features {
        extensions = extensions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(extensions));
    }

    public static Riscv64Features of(Extension... extensions) {
        return new Riscv64Features(Set.of(extensions));
    }

    public boolean has(Extension e) {
        return extensions.contains(e);
    }
}
