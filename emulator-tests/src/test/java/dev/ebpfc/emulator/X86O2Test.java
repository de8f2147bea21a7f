package dev.ebpfc.emulator;

/// The [O2EngineContract] for x86_64 -O2 (engine `x86_64-O2`).
class X86O2Test extends O2EngineContract {
    @Override
    EmulatedEngine engine() {
        return EmulatedEngine.x86_64O2();
    }
}
