package dev.ebpfc.frontend.asm;

import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.codec.Encoder;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Syntax;
import dev.ebpfc.frontend.testing.Conformance;
import dev.ebpfc.frontend.testing.InsnGenerator;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.HexFormat;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// assemble → encode → decode → print → assemble gives identical bytes, in both syntaxes, over
/// every conformance program and over generated programs using every instruction form.
class RoundTripTest {
    private static final HexFormat HEX = HexFormat.of();

    @TestFactory
    Stream<DynamicTest> conformanceProgramsRoundTrip() {
        return Conformance.tests().stream().map(p -> DynamicTest.dynamicTest(Conformance.name(p), () -> {
            byte[] bytes = Encoder.encode(DataFileReader.read(p).program());
            assertRoundTrips(bytes, p.toString());
        }));
    }

    @Test
    void generatedProgramsRoundTrip() {
        InsnGenerator gen = new InsnGenerator(20240611);
        for (int i = 0; i < 2000; i++) {
            Program program = gen.program(1 + i % 40);
            assertRoundTrips(Encoder.encode(program), "generated program " + i);
        }
    }

    static void assertRoundTrips(byte[] bytes, String what) {
        Program decoded = Decoder.decode(bytes);
        String conformance = decoded.insns().stream().map(Syntax::conformance).collect(Collectors.joining("\n"));
        assertEquals(HEX.formatHex(bytes), HEX.formatHex(Encoder.encode(Assembler.assemble(conformance))), what + " via conformance syntax:\n" + conformance);
        String llvm = LlvmPrinter.print(decoded);
        assertEquals(HEX.formatHex(bytes), HEX.formatHex(Encoder.encode(LlvmAssembler.assemble(llvm))), what + " via LLVM syntax:\n" + llvm);
    }

    @Test
    void everyGeneratedInstructionReadsBackInBothSyntaxes() {
        InsnGenerator gen = new InsnGenerator(7);
        for (int i = 0; i < 20000; i++) {
            Insn insn = gen.next();
            assertEquals(insn, Assembler.parseInsn(Syntax.conformance(insn)), Syntax.conformance(insn));
            assertEquals(insn, LlvmAssembler.parseInsn(LlvmPrinter.print(insn)), LlvmPrinter.print(insn));
        }
    }
}
