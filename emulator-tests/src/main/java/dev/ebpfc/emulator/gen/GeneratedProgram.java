package dev.ebpfc.emulator.gen;

import dev.ebpfc.frontend.insn.Program;

/// One generated test: the program, the input memory it runs on (r1 points to it, r2 holds its
/// length, [dev.ebpfc.runtime.RuntimeOptions#conformance]), and the seed that reproduces both.
public record GeneratedProgram(long seed, Program program, byte[] mem) {
    public GeneratedProgram {
        mem = mem.clone();
    }

    @Override
    public byte[] mem() {
        return mem.clone();
    }
}
