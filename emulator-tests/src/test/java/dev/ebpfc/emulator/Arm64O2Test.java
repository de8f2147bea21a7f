package dev.ebpfc.emulator;

/// The [O2EngineContract] for arm64 -O2 (engine `arm64-O2`).
class Arm64O2Test extends O2EngineContract {
    @Override
    EmulatedEngine engine() {
        return EmulatedEngine.arm64O2();
    }
}
