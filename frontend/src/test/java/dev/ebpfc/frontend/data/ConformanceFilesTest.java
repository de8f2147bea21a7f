package dev.ebpfc.frontend.data;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.codec.Encoder;
import dev.ebpfc.frontend.codec.EncodingException;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.testing.Conformance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// Every bpf_conformance file: positive tests read and assemble (matching `-- raw` exactly where
/// present); negative tests are rejected by the reader, the assembler or the [Decoder].
class ConformanceFilesTest {

    /// Rejected by the assembler/reader (no `-- raw`); error.data is a verifier-level rejection
    /// (reads uninitialised r0) and incorrect_return_value_high_bits.data a wrong `-- result` on
    /// purpose, so both assemble.
    static final Set<String> ASSEMBLER_NEGATIVE = Set.of(
            "empty.data", "empty_instructions.data", "invalid_imm32_dec_range.data", "invalid_imm32_hex_range.data",
            "invalid_label.data", "invalid_lock.data", "invalid_lock2.data", "invalid_mnemonic.data",
            "invalid_offset.data", "invalid_offset_range.data", "invalid_operand_count.data", "invalid_register.data",
            "invalid_unknown_directive.data");
    static final Set<String> ASSEMBLE_BUT_WRONG = Set.of("error.data", "incorrect_return_value_high_bits.data");

    @TestFactory
    Stream<DynamicTest> everyTestFileReadsAndAssembles() {
        List<Path> files = Conformance.tests();
        assertEquals(313, files.size(), "bpf_conformance tests/ should hold 313 files");
        return files.stream().map(p -> DynamicTest.dynamicTest(Conformance.name(p), () -> {
            DataFile f = DataFileReader.read(p);
            assertNotNull(f.asm(), "every test has -- asm");
            Program program = f.program();
            assertTrue(program.size() > 0);
            byte[] bytes = Encoder.encode(program);
            byte[] raw = f.raw();
            if (raw != null) {
                HexFormat hex = HexFormat.of();
                assertEquals(hex.formatHex(raw), hex.formatHex(bytes), p + ": assembled bytes differ from -- raw");
            }
            // Whatever the assembler accepts is a valid program for the strict decoder.
            assertEquals(program, Decoder.decode(bytes));
        }));
    }

    @Test
    void negativeFilesAreClassifiedAsExpected() {
        List<Path> files = Conformance.negative();
        assertEquals(60, files.size());
        long unused = files.stream().filter(p -> p.getFileName().toString().startsWith("unused-")).count();
        assertEquals(45, unused);
        for (Path p : files) {
            String name = p.getFileName().toString();
            boolean hasRaw = DataFileReaderTest.text(p).contains("\n-- raw");
            if (name.startsWith("unused-")) assertTrue(hasRaw, name);
            else assertEquals(!ASSEMBLER_NEGATIVE.contains(name) && !ASSEMBLE_BUT_WRONG.contains(name), hasRaw, name);
        }
    }

    @TestFactory
    Stream<DynamicTest> assemblerNegativeFilesAreRejected() {
        return Conformance.negative().stream()
                .filter(p -> ASSEMBLER_NEGATIVE.contains(p.getFileName().toString()))
                .map(p -> DynamicTest.dynamicTest(Conformance.name(p), () -> {
                    FrontendException e = assertThrows(FrontendException.class, () -> DataFileReader.read(p).program());
                    String msg = e.getMessage();
                    assertFalse(msg.contains("\n"), "one line: " + msg);
                    assertTrue(msg.startsWith(p.toString() + ":"), "names the file and line: " + msg);
                    assertTrue(msg.matches(".*:\\d+: .+"), "file:line: reason: " + msg);
                }));
    }

    @Test
    void assemblerNegativeMessagesSayWhy() {
        assertReason("invalid_register.data", "invalid register '%r50'");
        assertReason("invalid_mnemonic.data", "invalid mnemonic 'ldxq'");
        assertReason("invalid_operand_count.data", "invalid operand count for lddw");
        assertReason("invalid_label.data", "unknown label 'NOT_A_LABEL'");
        assertReason("invalid_imm32_dec_range.data", "out of the signed 32-bit range");
        assertReason("invalid_imm32_hex_range.data", "does not fit in 32 bits");
        assertReason("invalid_offset_range.data", "out of the 16-bit range");
        assertReason("invalid_offset.data", "expected a memory operand");
        assertReason("invalid_lock.data", "lock or needs 2 operands");
        assertReason("invalid_lock2.data", "lock needs an operation");
        assertReason("invalid_unknown_directive.data", "no instructions");
        assertReason("empty.data", "no -- asm or -- raw section");
        assertReason("empty_instructions.data", "no -- asm or -- raw section");
    }

    private static void assertReason(String file, String expected) {
        Path p = Conformance.dir().resolve("negative").resolve(file);
        FrontendException e = assertThrows(FrontendException.class, () -> DataFileReader.read(p).program());
        assertTrue(e.getMessage().contains(expected), file + ": expected '" + expected + "' in: " + e.getMessage());
    }

    @TestFactory
    Stream<DynamicTest> wrongButWellFormedNegativeFilesAssemble() {
        return ASSEMBLE_BUT_WRONG.stream().sorted().map(name -> DynamicTest.dynamicTest(name, () -> {
            DataFile f = DataFileReader.read(Conformance.dir().resolve("negative").resolve(name));
            assertEquals(2, f.program().size());
        }));
    }

    @TestFactory
    Stream<DynamicTest> unusedFieldFilesAreRejectedByTheDecoder() {
        return Conformance.negative().stream()
                .filter(p -> p.getFileName().toString().startsWith("unused-"))
                .map(p -> DynamicTest.dynamicTest(Conformance.name(p), () -> {
                    DataFile f = DataFileReader.read(p);
                    byte[] raw = f.raw();
                    assertNotNull(raw, "unused-* files are raw");
                    try {
                        Program decoded = Decoder.decode(raw);
                        fail(p + ": decoder accepted " + decoded.insns());
                    } catch (EncodingException e) {
                        assertTrue(e.getMessage().startsWith("insn 0 "), "the bad field is in the first instruction: " + e.getMessage());
                        assertTrue(e.getMessage().contains("reserved") || e.getMessage().contains("not valid"), e.getMessage());
                    }
                }));
    }
}
