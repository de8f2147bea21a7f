package dev.ebpfc.frontend;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.asm.LlvmAssembler;
import dev.ebpfc.frontend.asm.LlvmPrinter;
import dev.ebpfc.frontend.codec.Encoder;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/// Coverage-guided fuzzing of both assemblers (regression mode over the committed seed corpus in
/// `AssemblerFuzzTestInputs/assembleNeverCrashes`). Property: any text assembles or is rejected
/// with a [FrontendException]; what assembles prints and reassembles to the same bytes in both
/// syntaxes.
class AssemblerFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void assembleNeverCrashes(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        check(text, true);
        check(text, false);
    }

    private static void check(String text, boolean conformance) {
        Program p;
        try {
            p = conformance ? Assembler.assemble(text) : LlvmAssembler.assemble(text);
        } catch (FrontendException expected) {
            return;
        }
        byte[] bytes = Encoder.encode(p);
        StringBuilder same = new StringBuilder();
        for (Insn i : p.insns()) same.append(i).append('\n');
        assertArrayEquals(bytes, Encoder.encode(Assembler.assemble(same.toString())), "conformance syntax round trip");
        assertArrayEquals(bytes, Encoder.encode(LlvmAssembler.assemble(LlvmPrinter.print(p))), "LLVM syntax round trip");
    }
}
