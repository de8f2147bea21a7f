package dev.ebpfc.cli;

import dev.ebpfc.emulator.fuzz.CampaignConfig;
import dev.ebpfc.emulator.fuzz.CampaignProgress;
import dev.ebpfc.emulator.fuzz.CampaignReport;
import dev.ebpfc.emulator.fuzz.EngineFactory;
import dev.ebpfc.emulator.fuzz.EngineStats;
import dev.ebpfc.emulator.fuzz.Finding;
import dev.ebpfc.emulator.fuzz.FuzzCampaign;
import dev.ebpfc.emulator.fuzz.FuzzListener;
import dev.ebpfc.emulator.fuzz.OpcodeCoverage;
import dev.ebpfc.emulator.fuzz.Shard;
import dev.ebpfc.emulator.gen.GeneratorConfig;
import dev.ebpfc.runtime.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/// `ebpfc fuzz`: a differential fuzz campaign. Generated programs run on several engines (the
/// first is the reference), every divergence is shrunk and written as a `.data` reproducer named
/// after what it found; a progress line on a terminal, a table per engine at the end (or
/// `--json`), exit code 1 when anything diverged. The work is [FuzzCampaign]'s; this class turns
/// options into its configuration and its report into output. See docs/fuzzing.md.
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Differential fuzzing: run generated programs on several engines and compare every result with the reference's.",
        footer = {"", "Programs of shard I/N use seeds SEED + k*N + I, so N machines with the same --seed cover disjoint programs.",
            "With --programs the findings do not depend on --jobs. Without a limit the campaign runs 60 seconds.",
            "Exit code 1 when any engine diverged or the reference rejected a generated program.",
            "Ctrl-C stops the campaign and prints the summary of what ran.", "", "Examples:",
            "  ebpfc fuzz --seconds 600 --jobs 4",
            "  ebpfc fuzz --engines interp,x86_64 --programs 100000 --seed 1 --out findings/",
            "  ebpfc fuzz --seed 42 --shard 3/8 --seconds 3600 --json      (machine 3 of 8)",
            "  ebpfc conformance findings/x86_64-r0-seed1234.data --engine x86_64"})
final class FuzzCommand implements Callable<Integer> {
    static final Duration DEFAULT_TIME = Duration.ofSeconds(60);
    /// How long Ctrl-C waits for the workers to finish their programs and the summary to print.
    static final Duration STOP_WAIT = Duration.ofSeconds(30);

    @Mixin
    Verbosity verbosity;

    @Option(names = "--engines", paramLabel = "LIST", split = ",",
            description = "Engines to compare, the first is the reference (default: interp, then every other available engine).")
    List<String> engines;

    @Option(names = "--seconds", paramLabel = "N", description = "Run for N seconds (default: 60 when --programs is not given).")
    Long seconds;

    @Option(names = "--programs", paramLabel = "N", description = "Run N programs (deterministic for a given --seed and --shard).")
    Long programs;

    @Option(names = "--seed", paramLabel = "S", description = "Base seed (default: random, printed).")
    Long seed;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1", description = "Worker threads (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--shard", paramLabel = "I/N", defaultValue = "0/1", description = "Run shard I of N of the seed space (default: ${DEFAULT-VALUE}).")
    String shard;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "fuzz-findings",
            description = "Folder for reproducers, created on the first finding; existing files are never overwritten (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--shrink", paramLabel = "N", defaultValue = "" + CampaignConfig.DEFAULT_SHRINK_CANDIDATES,
            description = "Shrink candidates tried per divergence; 0 writes programs unshrunk (default: ${DEFAULT-VALUE}).")
    int shrink;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        CampaignConfig config = config();
        List<EngineFactory> factories = factories();
        PrintStream err = System.err;
        Bar bar = new Bar(json);
        FuzzCampaign campaign = new FuzzCampaign(factories, config, bar);
        List<String> names = campaign.engineNames();
        if (!json) {
            String limit = config.programs() > 0 ? config.programs() + " programs" : config.timeLimit().toSeconds() + " s";
            err.println("fuzz: " + names.getFirst() + " (reference) vs " + String.join(", ", names.subList(1, names.size()))
                    + (factories.size() == 1 ? " (a second instance: the only engine available)" : "")
                    + "; seed " + config.baseSeed() + ", shard " + config.shard() + ", " + limit + ", " + config.jobs() + (config.jobs() == 1 ? " job" : " jobs"));
        }
        // Ctrl-C stops the campaign and waits for the summary instead of losing it.
        CountDownLatch summarised = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            campaign.stop();
            try {
                summarised.await(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // The JVM is going down either way.
            }
        }, "fuzz-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            CampaignReport r = campaign.run();
            bar.clear();
            PrintStream o = System.out;
            if (json) {
                o.println(json(r, names));
            } else {
                o.print(r.table());
                if (verbosity.verbose) for (Finding f : r.findings()) o.print(f.details());
                if (!r.findings().isEmpty()) o.println("replay one with: ebpfc conformance FILE --engine ENGINE   or   ebpfc run FILE --engine ENGINE --trace");
            }
            o.flush();
            return r.clean() ? EbpfcCommand.EXIT_OK : EbpfcCommand.EXIT_FAILED;
        } finally {
            summarised.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Interrupted by Ctrl-C: the hook is running and now returns.
            }
        }
    }

    private CampaignConfig config() {
        if (seconds != null && programs != null) throw new UsageException("give --seconds or --programs, not both");
        if (seconds != null && seconds < 1) throw new UsageException("--seconds must be at least 1, got " + seconds);
        if (programs != null && programs < 1) throw new UsageException("--programs must be at least 1, got " + programs);
        if (jobs < 1) throw new UsageException("--jobs must be at least 1, got " + jobs);
        if (shrink < 0) throw new UsageException("--shrink must not be negative, got " + shrink);
        Shard s;
        try {
            s = Shard.parse(shard);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--shard: " + e.getMessage());
        }
        if (Files.exists(out) && !Files.isDirectory(out)) throw new UsageException(out + ": exists and is not a folder (--out)");
        long base = seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 40);
        Duration time = programs != null ? null : seconds != null ? Duration.ofSeconds(seconds) : DEFAULT_TIME;
        return new CampaignConfig(base, s, programs == null ? 0 : programs, time, jobs, out, GeneratorConfig.defaults(), shrink);
    }

    /// The engines by name through [Engines], the user-facing registry; each is made once here so
    /// an unknown or unavailable engine is a usage error before the campaign starts.
    private List<EngineFactory> factories() {
        List<String> list = new ArrayList<>();
        if (engines == null) {
            list.add("interp");
            for (String n : Engines.NAMES) if (!n.equals("interp") && !Engines.UNCHECKED.contains(n)) list.add(n);
        } else {
            for (String n : engines) {
                if (n.isBlank()) throw new UsageException("--engines: empty engine name in '" + String.join(",", engines) + "'");
                if (Engines.UNCHECKED.contains(n.strip())) {
                    throw new UsageException("--engines: '" + n.strip() + "' does not check the program's memory accesses, and generated programs may"
                            + " make wild ones (fuzz the same code under emulation: x86_64)");
                }
                list.add(n.strip());
            }
        }
        List<EngineFactory> out = new ArrayList<>();
        for (String n : list) {
            Engine probe = Engines.byName(n);
            if (probe instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // Only a probe: the workers make their own.
                }
            }
            out.add(new EngineFactory(n, () -> Engines.byName(n)));
        }
        return out;
    }

    private static String json(CampaignReport r, List<String> names) {
        Json.Writer w = new Json.Writer();
        CampaignConfig c = r.config();
        // Seeds are strings: 64-bit values lose precision as JSON numbers in most readers.
        w.object().field("seed", Long.toString(c.baseSeed())).field("shard", c.shard().toString()).field("jobs", c.jobs())
                .field("programs", r.programs()).field("seconds", r.seconds()).field("programsPerSecond", r.programsPerSecond())
                .field("divergent", r.divergent()).field("invalid", r.invalid()).field("clean", r.clean());
        w.key("invalidSeeds").array();
        for (long s : r.invalidSeeds()) w.string(Long.toString(s));
        w.end();
        w.key("executedOpcodes").array();
        for (int op : r.executedOpcodes()) w.string(OpcodeCoverage.hex(List.of(op)));
        w.end();
        w.key("engines").array();
        for (EngineStats e : r.engines()) {
            w.object().field("name", e.name()).field("reference", e.reference()).field("programs", e.programs())
                    .field("seconds", e.seconds()).field("programsPerSecond", e.programsPerSecond())
                    .field("divergences", e.divergences()).field("opcodes", e.opcodes().size()).end();
        }
        w.end();
        w.field("out", c.out() == null ? null : c.out().toString()).field("duplicates", r.duplicates());
        w.key("findings").array();
        for (Finding f : r.findings()) {
            w.object().field("file", f.file() == null ? null : f.file().toString()).field("engine", f.engine()).field("field", f.field())
                    .field("seed", Long.toString(f.seed())).field("instructions", f.program().size())
                    .field("originalInstructions", f.originalInsns()).field("visibleInResult", f.visibleInResult())
                    .field("summary", f.summary());
            w.key("engines").array();
            for (String e : f.engines()) w.string(e);
            w.end().end();
        }
        w.end().end();
        return w.toString();
    }

    /// The progress line on standard error (a terminal only, never with `--json`), and a line per
    /// new reproducer (always, unless `--json`). Called from worker threads.
    static final class Bar implements FuzzListener {
        private final boolean quiet;
        private final boolean terminal;
        private long lastDraw;
        private int width;

        Bar(boolean json) {
            this.quiet = json;
            this.terminal = !json && System.console() != null && System.console().isTerminal();
        }

        @Override
        public synchronized void progress(CampaignProgress p) {
            if (!terminal) return;
            long now = System.nanoTime();
            if (now - lastDraw < 200_000_000L) return;
            lastDraw = now;
            int cells = 20, filled = (int) (p.fraction() * cells);
            String line = String.format("fuzz [%s%s] %d programs  %.0f/s  %d divergent  %d opcodes  %ds",
                    "#".repeat(filled), " ".repeat(cells - filled), p.programs(), p.programsPerSecond(), p.divergent(), p.opcodes(),
                    p.elapsedNanos() / 1_000_000_000L);
            System.err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            System.err.flush();
            width = line.length();
        }

        @Override
        public synchronized void found(Finding f) {
            if (quiet) return;
            clear();
            System.err.println("found: " + (f.file() != null ? f.file() + ": " : "") + f.summary());
        }

        synchronized void clear() {
            if (terminal && width > 0) {
                System.err.print("\r" + " ".repeat(width) + "\r");
                System.err.flush();
                width = 0;
            }
        }
    }
}
