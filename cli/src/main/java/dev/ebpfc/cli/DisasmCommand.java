package dev.ebpfc.cli;

import dev.ebpfc.frontend.asm.LlvmPrinter;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.ProgramDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/// `ebpfc disasm FILE`: prints the programs of an ELF object, a `.data` test, assembler text or
/// raw bytecode, one instruction per slot, in the conformance or LLVM syntax.
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = "Disassemble eBPF programs (ELF object, .data test, assembler text or raw bytecode).",
        footer = {"", "Examples:",
            "  ebpfc disasm prog.o                      LLVM syntax, as llvm-objdump -d",
            "  ebpfc disasm --syntax conformance prog.o",
            "  ebpfc disasm tests/lddw.data",
            "  ebpfc disasm --format raw prog.bin"})
final class DisasmCommand implements Callable<Integer> {
    @Mixin
    Verbosity verbosity;

    @Parameters(paramLabel = "FILE", description = "The program file.")
    Path file;

    @Option(names = "--syntax", paramLabel = "SYNTAX",
            description = "conformance or llvm (default: llvm for ELF objects, conformance otherwise).")
    InputFile.AsmSyntax syntax;

    @Option(names = "--format", paramLabel = "KIND", description = "Force the input kind: ${COMPLETION-CANDIDATES}.")
    InputFile.Kind format;

    @Option(names = "--program", paramLabel = "NAME", description = "Only this program.")
    String program;

    @Override
    public Integer call() throws IOException {
        InputFile in = InputFile.read(file, format, null);
        InputFile.AsmSyntax out = syntax != null ? syntax
                : in.kind() == InputFile.Kind.elf ? InputFile.AsmSyntax.llvm : InputFile.AsmSyntax.conformance;
        PrintStream o = System.out;
        boolean many = in.object().programs().size() > 1 || in.kind() == InputFile.Kind.elf;
        if (in.kind() == InputFile.Kind.elf && program == null) {
            for (int i = 0; i < in.object().maps().size(); i++) {
                MapDef m = in.object().maps().get(i);
                o.println("map " + i + " " + m);
            }
        }
        for (ProgramDef p : in.programs(program)) {
            if (many) o.println((p.section().isEmpty() ? "" : p.section() + " ") + "<" + p.name() + ">:");
            print(o, p, out);
            if (many) o.println();
        }
        return EbpfcCommand.EXIT_OK;
    }

    static void print(PrintStream o, ProgramDef def, InputFile.AsmSyntax syntax) {
        Program p = def.program();
        int fn = 0;
        for (int i = 0; i < p.size(); i++) {
            int slot = p.slot(i);
            while (fn < def.functions().size() && def.functions().get(fn).slot() == slot) {
                if (slot != 0) o.println("<" + def.functions().get(fn).name() + ">:");
                fn++;
            }
            String text = syntax == InputFile.AsmSyntax.llvm ? LlvmPrinter.print(p.get(i)) : p.get(i).toString();
            o.printf("%5d: %s%n", slot, text);
        }
    }
}
