package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.x86_64.X86Machine;
import dev.ebpfc.backend.x86_64.X86Reg;
import dev.ebpfc.backend.x86_64.X86Target;

import java.util.List;

/// The [O2EngineContract] for x86_64 -O2 code allocated to three registers (rax, rdx, rbx):
/// nearly every value lives in a spill slot, so every operation's reload/store paths, slot-to-slot
/// edge copies and spilled call arguments, divisors, shift counts and atomic operands run.
class X86O2SpillTest extends O2EngineContract {
    @Override
    EmulatedEngine engine() {
        X86Machine few = new X86Machine(List.of(X86Reg.RAX, X86Reg.RDX), List.of(X86Reg.RBX));
        return new EmulatedEngine("x86_64-O2-spill", new X86EmulatedIsa(new X86Target(few)), CompileOptions.O0.withLevel(CompileOptions.Level.O2));
    }
}
