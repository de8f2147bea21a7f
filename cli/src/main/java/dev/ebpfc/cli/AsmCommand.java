package dev.ebpfc.cli;

import dev.ebpfc.frontend.codec.Encoder;
import dev.ebpfc.frontend.object.ProgramDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/// `ebpfc asm FILE -o OUT`: assembles conformance or LLVM syntax (or the `asm` section of a
/// `.data` test) into raw bytecode.
@Command(name = "asm", mixinStandardHelpOptions = true,
        description = "Assemble eBPF assembler text into raw bytecode.",
        footer = {"", "Examples:",
            "  ebpfc asm prog.s -o prog.bin                   syntax guessed (%rN means conformance)",
            "  ebpfc asm --syntax llvm prog.s -o prog.bin",
            "  ebpfc asm tests/add.data -o add.bin            the test's asm section"})
final class AsmCommand implements Callable<Integer> {
    @Mixin
    Verbosity verbosity;

    @Parameters(paramLabel = "FILE", description = "Assembler text or a .data test.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", required = true, description = "Where to write the bytecode.")
    Path output;

    @Option(names = "--syntax", paramLabel = "SYNTAX", description = "conformance or llvm (default: guessed).")
    InputFile.AsmSyntax syntax;

    @Override
    public Integer call() throws IOException {
        Outputs.refuseToOverwriteInput(file, output);
        InputFile.Kind kind = file.getFileName().toString().endsWith(".data") ? InputFile.Kind.data : InputFile.Kind.asm;
        InputFile in = InputFile.read(file, kind, syntax);
        List<ProgramDef> programs = in.object().programs();
        byte[] bytes = Encoder.encode(programs.getFirst().program());
        Outputs.write(output, bytes);
        System.err.println("wrote " + output + " (" + programs.getFirst().program().slotCount() + " slots, " + bytes.length + " bytes)");
        return EbpfcCommand.EXIT_OK;
    }
}
