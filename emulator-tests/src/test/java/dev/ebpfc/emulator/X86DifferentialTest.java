package dev.ebpfc.emulator;

import java.util.List;

/// The [DifferentialContract] for x86_64 -O0 under Unicorn.
class X86DifferentialTest extends DifferentialContract {
    @Override
    List<EmulatedEngine> createEngines() {
        return List.of(EmulatedEngine.x86_64());
    }

    @Override
    boolean optimised() {
        return false;
    }
}
