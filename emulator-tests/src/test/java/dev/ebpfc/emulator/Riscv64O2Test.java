package dev.ebpfc.emulator;

/// The [O2EngineContract] for riscv64 -O2 (engine `riscv64-O2`).
class Riscv64O2Test extends O2EngineContract {
    @Override
    EmulatedEngine engine() {
        return EmulatedEngine.riscv64O2();
    }
}
