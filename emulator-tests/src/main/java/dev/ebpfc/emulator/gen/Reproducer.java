package dev.ebpfc.emulator.gen;

import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileWriter;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;

import java.nio.file.Path;

/// Turns a (shrunk) program into a conformance-style `.data` regression test: a comment saying
/// where it came from, `-- asm` in conformance syntax (jump offsets relative, as the assembler
/// reads them back), `-- mem`, and `-- result` = the reference engine's r0, so
/// `./ebpfc conformance` runs it on any engine.
public final class Reproducer {
    private Reproducer() {
    }

    /// The program in conformance syntax, one instruction a line.
    public static String asm(Program p) {
        StringBuilder sb = new StringBuilder();
        for (Insn insn : p.insns()) sb.append(insn).append('\n');
        return sb.toString();
    }

    public static DataFile dataFile(Program p, byte[] mem, String comment, long result) {
        return DataFile.of(comment, asm(p), mem, result, null);
    }

    /// Writes the test to `file` and returns it.
    public static Path write(Program p, byte[] mem, String comment, long result, Path file) {
        DataFileWriter.write(dataFile(p, mem, comment, result), file);
        return file;
    }
}
