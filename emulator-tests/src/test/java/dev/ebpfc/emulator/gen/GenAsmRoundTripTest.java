package dev.ebpfc.emulator.gen;

import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.insn.Program;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// Generated programs print in conformance syntax and assemble back to the same program, so a
/// reproducer's `-- asm` section means what was run.
class GenAsmRoundTripTest {
    @Test
    void printedProgramsAssembleBack() {
        ProgramGenerator gen = new ProgramGenerator();
        for (long seed = 0; seed < 500; seed++) {
            Program p = gen.generate(seed).program();
            assertEquals(p, Assembler.assemble(Reproducer.asm(p)), "seed " + seed);
        }
    }
}
