package dev.ebpfc.cli;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

/// `ebpfc plugin [MEMHEX]`: the bpf_conformance runner's plugin protocol, so the public runner
/// can drive ebpfc: the program as hex on standard input, the memory as hex in the first argument,
/// r0 in hex on standard output; a rejected or failing program exits non-zero with the reason on
/// standard error.
@Command(name = "plugin", mixinStandardHelpOptions = true,
        description = "bpf_conformance plugin protocol: program hex on stdin, memory hex as argument, r0 hex on stdout.",
        footer = {"", "Example:", "  bpf_conformance_runner --test_file_directory tests --plugin_path ./ebpfc --plugin_options plugin"})
final class PluginCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MEMHEX", arity = "0..1", description = "Input memory as hex (may be empty).")
    String memory;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "interp", description = "Engine (default: ${DEFAULT-VALUE}).")
    String engine;

    @Override
    public Integer call() throws IOException {
        String programHex = new String(System.in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s+", "");
        byte[] code, mem;
        try {
            code = HexFormat.of().parseHex(programHex);
            mem = memory == null ? new byte[0] : HexFormat.of().parseHex(memory.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw new FrontendException("plugin: input is not hex (" + e.getMessage() + ")");
        }
        ProgramDef p = ProgramDef.of("plugin", Decoder.decode(code));
        Engine e = Engines.byName(engine);
        ExecutionResult r = e.run(new BpfObject("stdin", List.of(p), List.of(), ""), 0, MapSet.empty(), RunInput.of(mem),
                RuntimeOptions.conformance());
        if (r.error() != ErrorKind.NONE && r.error() != ErrorKind.UNWIND) {
            System.err.println("ebpfc: " + r.error().name().toLowerCase() + ": " + r.message());
            return EbpfcCommand.EXIT_FAILED;
        }
        System.out.println(Long.toHexString(r.r0()));
        return EbpfcCommand.EXIT_OK;
    }
}
