package dev.ebpfc.emulator;

import java.util.List;

/// The [DifferentialContract] for ARM64 -O0 under Unicorn: LL/SC atomics on the default CPU and
/// FEAT_LSE atomics on the `max` CPU model.
class Arm64DifferentialTest extends DifferentialContract {
    @Override
    List<EmulatedEngine> createEngines() {
        return List.of(EmulatedEngine.arm64(), EmulatedEngine.arm64Lse());
    }

    @Override
    boolean optimised() {
        return false;
    }
}
