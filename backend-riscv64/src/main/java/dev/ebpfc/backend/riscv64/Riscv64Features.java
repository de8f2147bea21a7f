package dev.ebpfc.backend.riscv64;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

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

    /// The extensions -O0 code generation can use, by the names `CompileOptions.features` and
    /// `--features` take.
    public static final Set<String> COMPILER_NAMES = Set.of("zba", "zbb", "c");

    /// The features `CompileOptions.features` names (lower-case extension names, [#COMPILER_NAMES]).
    public static Riscv64Features named(Set<String> names) {
        EnumSet<Extension> out = EnumSet.noneOf(Extension.class);
        for (String n : names) {
            if (!COMPILER_NAMES.contains(n)) {
                throw new IllegalArgumentException("unknown riscv64 feature '" + n + "' (known: "
                        + COMPILER_NAMES.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
            out.add(Extension.valueOf(n.toUpperCase(Locale.ROOT)));
        }
        return new Riscv64Features(out);
    }

    /// The ISA string of these features over RV64IMA, as in a `.riscv.attributes` arch tag
    /// (RISC-V ELF psABI, "Attributes"): `rv64i2p1_m2p0_a2p1_zba1p0_zbb1p0`.
    public String arch() {
        StringBuilder sb = new StringBuilder("rv64i2p1_m2p0_a2p1");
        if (has(Extension.C)) sb.append("_c2p0");
        Arrays.stream(Extension.values()).filter(e -> e != Extension.C && has(e))
                .forEach(e -> sb.append('_').append(e.name().toLowerCase(Locale.ROOT)).append("1p0"));
        return sb.toString();
    }

    public boolean has(Extension e) {
        return extensions.contains(e);
    }
}
