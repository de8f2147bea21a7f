package dev.ebpfc.cli;

import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.insn.Program;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/// `ebpfc disasm FILE`: prints the instructions of a raw bytecode file.
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = "Disassemble eBPF bytecode.",
        footer = {"", "Examples:", "  ebpfc disasm prog.bin"})
final class DisasmCommand implements Callable<Integer> {
    @Mixin
    Verbosity verbosity;

    @Parameters(paramLabel = "FILE", description = "Raw bytecode.")
    Path file;

    @Override
    public Integer call() throws IOException {
        Program p = Decoder.decode(Files.readAllBytes(file));
        System.out.print(p);
        return EbpfcCommand.EXIT_OK;
    }
}
