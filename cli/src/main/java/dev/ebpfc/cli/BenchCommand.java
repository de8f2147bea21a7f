package dev.ebpfc.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/// `ebpfc bench`: the benchmark suite in one run (docs/bench.md). For each program of
/// bench/programs: host time (interpreter, native code, the same C by clang -O2), executed
/// machine instructions under Unicorn per target and level, code size against clang's, and warm
/// compile speed. Prints the tables and the goal lines, writes `bench.json` and `bench.svg`.
/// The measuring is [BenchSuite]'s; this class picks programs, output and effort.
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run the benchmark suite: host time vs clang -O2, executed instructions per CPU, code size, compile speed.",
        footer = {"", "Writes bench.json and bench.svg to --out. The clang -O2 columns need clang",
            "(clang-19 preferred) and binutils' TRIPLE-ld; without clang they are n/a.",
            "Figures come from one in-process run on this machine: host times move with",
            "its load, instruction counts and sizes do not. For precise host times use",
            "bench/run-native-benchmark.sh (JMH).",
            "Columns, chart and current figures: docs/bench.md.", "", "Examples:",
            "  ebpfc bench --quick",
            "  ebpfc bench --programs fnv1a,xdp_lb --out /tmp/bench",
            "  ebpfc bench --json > bench.json"})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    Verbosity verbosity;

    @Option(names = "--quick", description = "Fewer repetitions: well under a minute for the whole suite, noisier times.")
    boolean quick;

    @Option(names = "--programs", paramLabel = "LIST", split = ",",
            description = "Bench programs to run, by name (default: all of bench/programs/obj).")
    List<String> programs;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/bench",
            description = "Folder for bench.json, bench.svg and the clang builds (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--json", description = "Print bench.json to standard output instead of the tables.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Path sources = Path.of(System.getProperty("ebpfc.root", ".")).resolve("bench/programs");
        List<String> available = available(sources);
        List<String> chosen = programs == null ? available : programs;
        for (String p : chosen) {
            if (!available.contains(p)) throw new UsageException("unknown bench program '" + p + "' (available: " + String.join(", ", available) + ")");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) throw new UsageException(out + ": exists and is not a folder (--out)");
        Files.createDirectories(out);
        ClangReference clang = ClangReference.find(sources, out.resolve("clang"));
        if (clang == null) System.err.println("bench: clang not found (apt-get install clang-19): the clang -O2 columns are n/a");
        BenchSuite suite = new BenchSuite(sources, clang, quick, line -> System.err.println("bench: " + line));
        BenchReport report = suite.run(chosen);
        String jsonText = BenchJson.render(report);
        Outputs.write(out.resolve("bench.json"), jsonText.getBytes(StandardCharsets.UTF_8));
        Outputs.write(out.resolve("bench.svg"), BenchChart.render(report).getBytes(StandardCharsets.UTF_8));
        if (json) {
            System.out.print(jsonText);
        } else {
            System.out.print(BenchTable.render(report));
            System.out.println("wrote " + out.resolve("bench.json") + " and " + out.resolve("bench.svg"));
        }
        System.out.flush();
        return EbpfcCommand.EXIT_OK;
    }

    /// Program names: the objects in bench/programs/obj that have their C source beside them.
    private static List<String> available(Path sources) throws IOException {
        Path obj = sources.resolve("obj");
        if (!Files.isDirectory(obj)) throw new UsageException("bench programs not found at " + obj + " (run from the ebpfc checkout)");
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(obj)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".o")).sorted()
                    .map(n -> n.substring(0, n.length() - 2)).filter(n -> Files.exists(sources.resolve(n + ".c"))).forEach(names::add);
        }
        return names;
    }
}
