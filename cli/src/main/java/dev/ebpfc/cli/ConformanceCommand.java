package dev.ebpfc.cli;

import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/// `ebpfc conformance DIR...`: runs bpf_conformance `.data` files on an engine, prints each
/// failure with expected vs actual and ends with `N passed, M failed`.
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = "Run bpf_conformance .data tests on an engine.",
        footer = {"", "Exit code 1 when any test fails.", "", "Examples:",
            "  ebpfc conformance ../shared/conformance/tests",
            "  ebpfc conformance --json tests/lddw.data tests/add.data"})
final class ConformanceCommand implements Callable<Integer> {
    @Mixin
    Verbosity verbosity;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = ".data files or folders holding them.")
    List<Path> paths;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "interp", description = "Engine to run on (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--json", description = "Print one JSON object with every case.")
    boolean json;

    @Override
    public Integer call() {
        for (Path p : paths) {
            if (!Files.exists(p)) throw new UsageException(p + ": no such file or folder");
        }
        Engine e = Engines.byName(engine);
        List<Path> files = ConformanceRunner.collect(paths);
        if (files.isEmpty()) throw new UsageException("no .data files under " + paths);
        ConformanceRunner runner = new ConformanceRunner(e);
        List<ConformanceCase> cases = new ArrayList<>();
        int passed = 0;
        PrintStream out = System.out;
        Progress progress = new Progress("conformance", files.size());
        for (Path f : files) {
            ConformanceCase c = runner.run(f);
            cases.add(c);
            if (c.passed()) passed++;
            progress.step();
            if (!json && (!c.passed() || verbosity.verbose)) {
                progress.clear();
                out.println((c.passed() ? "PASS " : "FAIL ") + c.file() + ": " + c.detail());
            }
        }
        progress.clear();
        int failed = files.size() - passed;
        if (json) {
            Json.Writer w = new Json.Writer();
            w.object().field("engine", e.name()).field("passed", passed).field("failed", failed).key("cases").array();
            for (ConformanceCase c : cases) {
                w.object().field("file", c.file()).field("passed", c.passed()).field("detail", c.detail());
                if (c.expected() != null) w.field("expected", "0x" + Long.toHexString(c.expected()));
                if (c.actual() != null) w.field("actual", "0x" + Long.toHexString(c.actual()));
                w.end();
            }
            w.end().end();
            out.println(w);
        } else {
            out.println(passed + " passed, " + failed + " failed");
        }
        return failed == 0 ? EbpfcCommand.EXIT_OK : EbpfcCommand.EXIT_FAILED;
    }
}
