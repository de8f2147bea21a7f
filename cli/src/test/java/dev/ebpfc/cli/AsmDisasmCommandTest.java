package dev.ebpfc.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `ebpfc asm` and `ebpfc disasm` on every input kind, and their errors: one line, non-zero exit,
/// no stack trace, nothing overwritten that the user did not name.
class AsmDisasmCommandTest {
    @TempDir
    Path tmp;

    @Test
    void assemblesAndDisassemblesBack() throws Exception {
        Path src = tmp.resolve("p.s");
        Files.writeString(src, "mov32 %r0, 1\nlddw %r1, 0x1122334455667788\nadd %r0, %r1\nexit\n");
        Path bin = tmp.resolve("p.bin");
        CliRunner.Result r = CliRunner.run("asm", src.toString(), "-o", bin.toString());
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(HexFormat.of().parseHex(
                "b400000001000000" + "1801000088776655" + "0000000044332211" + "0f10000000000000" + "9500000000000000"),
                Files.readAllBytes(bin));
        CliRunner.Result d = CliRunner.run("disasm", bin.toString());
        assertEquals(0, d.exit(), d.err());
        assertTrue(d.out().contains("mov32 %r0, 1"), d.out());
        assertTrue(d.out().contains("lddw %r1, 0x1122334455667788"), d.out());
        CliRunner.Result l = CliRunner.run("disasm", "--syntax", "llvm", bin.toString());
        assertTrue(l.out().contains("w0 = 1"), l.out());
        assertTrue(l.out().contains("r0 += r1"), l.out());
    }

    @Test
    void llvmSyntaxInput() throws Exception {
        Path src = tmp.resolve("p.s");
        Files.writeString(src, "r0 = 7\nif r0 > 3 goto +1\nr0 = 0\nexit\n");
        Path bin = tmp.resolve("p.bin");
        assertEquals(0, CliRunner.run("asm", src.toString(), "-o", bin.toString()).exit());
        assertEquals(32, Files.size(bin));
    }

    @Test
    void disassemblesElfWithMapsAndFunctions() {
        CliRunner.Result r = CliRunner.run("disasm", CliRunner.fixture("subprogs.v3.o").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("<xdp_len>:"), r.out());
        assertTrue(r.out().contains("<clamp>:"), r.out());
        assertTrue(r.out().contains("call pc+"), r.out());
        CliRunner.Result one = CliRunner.run("disasm", "--program", "tc_len", CliRunner.fixture("subprogs.v3.o").toString());
        assertFalse(one.out().contains("<xdp_len>"), one.out());
    }

    @Test
    void disassemblesDataFiles() {
        Path data = Path.of(System.getProperty("ebpfc.conformance.dir")).resolve("tests/lddw.data");
        CliRunner.Result r = CliRunner.run("disasm", data.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("lddw %r0, 0x1122334455667788"), r.out());
    }

    @Test
    void badInputIsOneLineAndExitOne() throws Exception {
        Path garbage = tmp.resolve("g.bin");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5});
        CliRunner.Result r = CliRunner.run("disasm", garbage.toString());
        assertEquals(1, r.exit());
        assertOneLine(r.err());
        assertTrue(r.err().contains("not a multiple of 8"), r.err());

        Path notElf = tmp.resolve("x.o");
        Files.writeString(notElf, "hello");
        CliRunner.Result e = CliRunner.run("disasm", notElf.toString());
        assertEquals(1, e.exit());
        assertOneLine(e.err());

        Path bad = tmp.resolve("bad.s");
        Files.writeString(bad, "mov32 %r0, 1\nor %r0, %r50\nexit\n");
        CliRunner.Result a = CliRunner.run("asm", bad.toString(), "-o", tmp.resolve("o.bin").toString());
        assertEquals(1, a.exit());
        assertOneLine(a.err());
        assertTrue(a.err().contains(":2:"), a.err());
        assertFalse(Files.exists(tmp.resolve("o.bin")), "no output on failure");
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        CliRunner.Result r = CliRunner.run("disasm", "--syntax", "klingon", "x");
        assertEquals(2, r.exit());
        assertEquals(2, CliRunner.run("frobnicate").exit());
        assertEquals(2, CliRunner.run("asm", "x.s").exit(), "missing -o");
        CliRunner.Result missing = CliRunner.run("disasm", tmp.resolve("nope.o").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void neverOverwritesTheInput() throws Exception {
        Path src = tmp.resolve("p.s");
        Files.writeString(src, "exit\n");
        CliRunner.Result r = CliRunner.run("asm", src.toString(), "-o", src.toString());
        assertEquals(2, r.exit());
        assertEquals("exit\n", Files.readString(src));
    }

    static void assertOneLine(String err) {
        assertEquals(1, err.strip().lines().count(), "expected one line: " + err);
        assertFalse(err.contains("\tat "), "stack trace: " + err);
    }
}
