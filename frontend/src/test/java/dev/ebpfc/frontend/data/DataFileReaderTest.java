package dev.ebpfc.frontend.data;

import dev.ebpfc.frontend.asm.AssemblerException;
import dev.ebpfc.frontend.insn.Syntax;
import dev.ebpfc.frontend.testing.Conformance;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The `.data` reader and writer on small texts, and the write/read round trip on the whole suite.
class DataFileReaderTest {

    static String text(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void readsAllKnownSections() {
        DataFile f = DataFileReader.parse("""
                # comment
                -- asm
                mov %r0, 1 # why
                exit
                -- mem
                00 01 02
                ff 10
                -- result
                0xffffffffffffffff
                -- error
                Invalid thing""", "t.data");
        assertEquals(List.of("# comment"), f.preamble());
        assertEquals("mov %r0, 1 # why\nexit\n", f.asm());
        assertEquals(3, f.asmFirstLine());
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff, 0x10}, f.mem());
        assertEquals(-1L, f.result().getAsLong());
        assertEquals("Invalid thing", f.error());
        assertNull(f.raw());
        assertEquals(2, f.program().size());
    }

    @Test
    void rawInBothForms() {
        DataFile a = DataFileReader.parse("-- raw\n0x5566778800000018\n0x1122334400000000\n0x0000000000000095\n", "a");
        DataFile b = DataFileReader.parse("-- raw\n18 00 00 00 88 77 66 55\n00 00 00 00 44 33 22 11\n95 00 00 00 00 00 00 00\n", "b");
        assertArrayEquals(a.raw(), b.raw());
        assertEquals("lddw %r0, 0x1122334455667788", Syntax.conformance(a.program().get(0)));
    }

    @Test
    void unknownSectionsAreKeptVerbatim() {
        DataFile f = DataFileReader.read(Conformance.dir().resolve("tests/callx.data"));
        assertEquals(List.of("call instruction"), f.section("no register offset").lines());
        assertEquals(5, f.program().size());
    }

    @Test
    void emptyErrorWithoutNewline() {
        DataFile f = DataFileReader.parse("-- asm\nexit\n-- error", "e.data");
        assertEquals("", f.error());
    }

    @Test
    void errorsNameFileAndLine() {
        assertMessage("-- asm\nexit\n-- mem\n00 1g\n", "m.data:4: '1g' is not a hex byte (two hex digits)");
        assertMessage("-- asm\nexit\n-- result\nzz\n", "m.data:4: bad result 'zz' (expected 0x<hex> or a decimal 64-bit value)");
        assertMessage("-- raw\n01 02 03\n", "m.data:2: raw line has 3 fields; expected one 0x<u64> or eight hex bytes");
        assertMessage("-- raw\n0x12345678123456789\n", "m.data:2: bad 64-bit hex value '0x12345678123456789'");
        assertMessage("-- result\n0x0\n", "m.data:2: no -- asm or -- raw section: nothing to run");
        assertMessage("mov %r0, 1\n-- asm\nexit\n", "m.data:1: text before the first section (only # comments may come first): 'mov %r0, 1'");
        assertMessage("-- asm\nexit\n-- asm\nexit\n", "m.data:3: duplicate section -- asm");
    }

    @Test
    void assemblerErrorsUseFileLines() {
        DataFile f = DataFileReader.parse("# c\n-- asm\nmov %r0, 1\nmov %r11, 2\nexit\n", "x.data");
        AssemblerException e = assertThrows(AssemblerException.class, f::program);
        assertEquals("x.data:4: invalid register '%r11' (expected %r0..%r10)", e.getMessage());
    }

    private static void assertMessage(String text, String expected) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> DataFileReader.parse(text, "m.data"));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void writeThenReadGivesTheSameFileForTheWholeSuite() {
        int n = 0;
        for (Path p : Conformance.tests()) {
            DataFile f = DataFileReader.read(p);
            DataFile back = DataFileReader.parse(DataFileWriter.write(f), p.toString());
            assertEquals(f, back, p.toString());
            n++;
        }
        assertTrue(n > 300);
    }

    @Test
    void reproducerWritesAndReadsBack() {
        DataFile f = DataFile.of("found by seed 7\nshrunk", "mov %r0, 3\nexit\n", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3L, null);
        String text = DataFileWriter.write(f);
        assertEquals("""
                # found by seed 7
                # shrunk
                -- asm
                mov %r0, 3
                exit
                -- mem
                01 02 03 04 05 06 07 08
                09
                -- result
                0x3
                """, text);
        DataFile back = DataFileReader.parse(text, "r.data");
        assertEquals(3L, back.result().getAsLong());
        assertArrayEquals(f.mem(), back.mem());
        assertTrue(back.error() == null);
    }
}
