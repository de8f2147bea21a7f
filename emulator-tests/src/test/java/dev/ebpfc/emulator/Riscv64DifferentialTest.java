package dev.ebpfc.emulator;

import java.util.List;

/// The [DifferentialContract] for RISC-V64 -O0 under Unicorn.
class Riscv64DifferentialTest extends DifferentialContract {
    @Override
    List<EmulatedEngine> createEngines() {
        return List.of(EmulatedEngine.riscv64());
    }

    @Override
    boolean optimised() {
        return false;
    }
}
