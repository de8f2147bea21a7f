package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import org.junit.jupiter.api.Test;

import java.util.Set;

/// RISC-V64 -O0 code with compressed instructions (`CompileOptions.features` `c`) under Unicorn,
/// which runs RV64GC: every conformance test passes, as with 4-byte instructions only. Mixed
/// 2- and 4-byte code exercises branch relaxation with sizes that depend on operands.
class Riscv64CompressedConformanceTest {
    @Test
    void everyTestPasses() {
        X86ConformanceTest.assertEveryTestPasses(new EmulatedEngine("riscv64-c", new Riscv64EmulatedIsa(), CompileOptions.O0.withFeatures(Set.of("c"))));
    }
}
