package dev.ebpfc.emulator.fuzz;

import dev.ebpfc.emulator.diff.DifferentialRunner;
import dev.ebpfc.emulator.diff.Divergence;
import dev.ebpfc.emulator.gen.GeneratedProgram;
import dev.ebpfc.emulator.gen.ProgramGenerator;
import dev.ebpfc.emulator.gen.Shrinker;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.RuntimeOptions;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiPredicate;

/// A differential fuzz campaign: generated programs through a [DifferentialRunner] over several
/// engines (the first is the reference), until a number of programs or a time limit, on `jobs`
/// worker threads; every divergence shrunk and written as a `.data` reproducer by a
/// [ReproducerStore]; per-engine statistics in a [CampaignReport].
///
/// **Engines.** Each worker makes its own engine instances from the factories (emulated engines
/// are confined to their thread) and closes those that are [AutoCloseable] when it ends. Engine
/// names are made unique (a repeated engine becomes `NAME-2`); a campaign given a single engine
/// runs it against a second instance of itself, which still catches nondeterminism and state
/// leaking from one run into the next.
///
/// **Determinism.** Program `k` always has seed `config.seed(k)` ([Shard]). Workers claim indices
/// from one shared counter and never abandon a claimed program, so the programs run are always
/// exactly `0..programs-1` (with a time limit, however many that turns out to be). Everything
/// about a program (its outcome, its shrinking, which is itself deterministic) depends only on
/// its index and runs on the claiming worker's own engines; counters and coverage are sums and
/// unions, order-free; and the store keeps, of equal shrunk programs, the earliest by index. So
/// with `--programs` the report (apart from timings) and the reproducer folder are the same for
/// any number of jobs. This holds as long as every engine is deterministic, which the campaign
/// checks (an engine that is not shows up as divergences).
public final class FuzzCampaign {
    /// Invalid programs whose seeds the report lists.
    private static final int INVALID_SHOWN = 20;

    private final List<EngineFactory> factories;
    private final List<String> names;
    private final CampaignConfig config;
    private final FuzzListener listener;
    private final RuntimeOptions options = RuntimeOptions.conformance();
    private final ReproducerStore store;
    private volatile boolean stopRequested;
    private boolean started;

    // Shared by the workers.
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong divergent = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    /// The smallest indices of invalid programs; guarded by itself.
    private final TreeSet<Long> invalidIndices = new TreeSet<>();
    private final LongAdder[] nanos;
    private final AtomicLongArray programs;
    private final AtomicLongArray divergences;
    /// Per engine, the opcodes of the programs it agreed on; guarded by itself.
    private final BitSet[] agreedOpcodes;
    /// Opcodes the reference executed; guarded by itself.
    private final BitSet executed = new BitSet(256);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private long startNanos;

    public FuzzCampaign(List<EngineFactory> engines, CampaignConfig config, FuzzListener listener) {
        if (engines.isEmpty()) throw new IllegalArgumentException("a campaign needs at least one engine");
        List<EngineFactory> f = new ArrayList<>(engines);
        if (f.size() == 1) f.add(f.get(0));
        this.factories = List.copyOf(f);
        this.names = uniqueNames(factories);
        this.config = config;
        this.listener = listener == null ? FuzzListener.NONE : listener;
        this.store = new ReproducerStore(config.out());
        int n = factories.size();
        nanos = new LongAdder[n];
        agreedOpcodes = new BitSet[n];
        for (int i = 0; i < n; i++) {
            nanos[i] = new LongAdder();
            agreedOpcodes[i] = new BitSet(256);
        }
        programs = new AtomicLongArray(n);
        divergences = new AtomicLongArray(n);
    }

    public FuzzCampaign(List<EngineFactory> engines, CampaignConfig config) {
        this(engines, config, FuzzListener.NONE);
    }

    /// The engines' names in this campaign, reference first.
    public List<String> engineNames() {
        return names;
    }

    public CampaignConfig config() {
        return config;
    }

    /// Asks the workers to stop after their current program; a shrink in progress ends early with
    /// what it has. Safe from any thread (a shutdown hook, a signal handler).
    public void stop() {
        stopRequested = true;
    }

    /// Runs the campaign to its limit and reports. Throws when an engine cannot be made or the
    /// generator fails (a bug, named with the program's seed); engines that throw while running
    /// a program are divergences, not failures.
    public CampaignReport run() {
        synchronized (this) {
            if (started) throw new IllegalStateException("a campaign runs once");
            started = true;
        }
        startNanos = System.nanoTime();
        long deadline = config.timeLimit() == null ? Long.MAX_VALUE : startNanos + config.timeLimit().toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < config.jobs(); w++) {
            Thread t = Thread.ofPlatform().name("fuzz-worker-" + w).stackSize(8L << 20).unstarted(() -> {
                try {
                    work(deadline);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stopRequested = true;
                }
            });
            workers.add(t);
            t.start();
        }
        boolean interrupted = false;
        for (Thread t : workers) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    stop();
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error er) throw er;
        if (f != null) throw new IllegalStateException(f);
        return report();
    }

    private void work(long deadline) {
        List<Engine> raw = new ArrayList<>();
        try {
            for (EngineFactory f : factories) {
                try {
                    raw.add(f.create());
                } catch (RuntimeException | LinkageError e) {
                    throw new IllegalStateException("cannot create engine " + f.name() + ": " + e.getMessage(), e);
                }
            }
            BitSet executedHere = new BitSet(256);
            List<Engine> metered = new ArrayList<>();
            List<Engine> quiet = new ArrayList<>();
            for (int i = 0; i < raw.size(); i++) {
                metered.add(new MeteredEngine(raw.get(i), names.get(i), nanos[i], i == 0 ? executedHere : null));
                quiet.add(new MeteredEngine(raw.get(i), names.get(i), null, null));
            }
            Worker w = new Worker(new DifferentialRunner(metered, options), quiet, new ProgramGenerator(config.generator()), executedHere);
            while (!stopRequested && System.nanoTime() < deadline) {
                long k = next.getAndIncrement();
                if (config.programs() > 0 && k >= config.programs()) break;
                w.program(k);
            }
        } finally {
            for (Engine e : raw) {
                if (e instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // Closing is best effort; the campaign's result does not depend on it.
                    }
                }
            }
        }
    }

    /// One worker's engines and generator.
    private final class Worker {
        final DifferentialRunner runner;
        final List<Engine> quiet;
        final ProgramGenerator generator;
        final BitSet executedHere;

        Worker(DifferentialRunner runner, List<Engine> quiet, ProgramGenerator generator, BitSet executedHere) {
            this.runner = runner;
            this.quiet = quiet;
            this.generator = generator;
            this.executedHere = executedHere;
        }

        void program(long k) {
            long seed = config.seed(k);
            GeneratedProgram g;
            try {
                g = generator.generate(seed);
            } catch (RuntimeException | StackOverflowError e) {
                throw new IllegalStateException("the generator failed on seed " + seed + " (program " + k + "): " + e, e);
            }
            DifferentialRunner.Outcome o = runner.run(g.program(), g.mem());
            synchronized (executed) {
                executed.or(executedHere);
            }
            BitSet ops = OpcodeCoverage.of(g.program());
            if (o.reference() != null) for (int i = 0; i < names.size(); i++) programs.incrementAndGet(i);
            else programs.incrementAndGet(0);
            if (!o.referenceValid()) {
                invalid.incrementAndGet();
                synchronized (invalidIndices) {
                    invalidIndices.add(k);
                    if (invalidIndices.size() > INVALID_SHOWN) invalidIndices.pollLast();
                }
            } else {
                for (int i = 0; i < names.size(); i++) {
                    String n = names.get(i);
                    if (o.divergences().stream().anyMatch(d -> d.engine().equals(n))) {
                        divergences.incrementAndGet(i);
                    } else {
                        synchronized (agreedOpcodes[i]) {
                            agreedOpcodes[i].or(ops);
                        }
                    }
                }
                if (!o.agreed()) {
                    divergent.incrementAndGet();
                    for (Divergence d : o.divergences()) store.offer(finding(k, g, o, d)).ifPresent(listener::found);
                }
            }
            done.incrementAndGet();
            listener.ran(k, seed, o.referenceValid() && !o.agreed());
            listener.progress(progress());
        }

        /// Shrinks the divergence of engine `d.engine()` on `g` and describes what is left.
        Finding finding(long k, GeneratedProgram g, DifferentialRunner.Outcome o, Divergence d) {
            String name = d.engine();
            Engine ref = quiet.get(0);
            Engine eng = quiet.get(names.indexOf(name));
            Program p = g.program();
            byte[] m = g.mem();
            boolean shrunk = false;
            if (config.shrinkCandidates() > 0) {
                // A budget a few times what the original needed: candidates that loop forever (a
                // removed counter update) fail fast instead of burning 10 million steps.
                long budget = Math.max(100_000, 4 * o.reference().executed());
                DifferentialRunner pair = new DifferentialRunner(List.of(ref, eng), options.withBudget(budget));
                // Prefer a reproducer a conformance run fails on (r0 or error differs).
                BiPredicate<Program, byte[]> still = d.visibleInResult() ? pair.stillDivergesInResult(name) : pair.stillDiverges(name);
                if (still.test(p, m)) {
                    // Once stopped, every further candidate "passes": the shrinker ends with what it has.
                    BiPredicate<Program, byte[]> unlessStopped = (cp, cm) -> !stopRequested && still.test(cp, cm);
                    Shrinker.Result r = new Shrinker(unlessStopped, config.shrinkCandidates()).shrink(p, m);
                    p = r.program();
                    m = r.mem();
                    shrunk = true;
                }
            }
            DifferentialRunner.Outcome again = new DifferentialRunner(quiet, options).run(p, m);
            Divergence dd = again.divergences().stream().filter(x -> x.engine().equals(name)).findFirst().orElse(null);
            if (dd == null || !again.referenceValid()) {
                // Not reproducible on a second run (a nondeterministic engine): keep the original.
                p = g.program();
                m = g.mem();
                again = o;
                dd = d;
                shrunk = false;
            }
            List<String> diverging = again.divergences().stream().map(Divergence::engine).toList();
            return new Finding(name, ReproducerStore.field(dd), g.seed(), k, g.program().size(), g.mem().length, p, m,
                    again.reference().r0(), diverging, dd.visibleInResult(), shrunk, dd.summary(), dd.describe(), null);
        }
    }

    private CampaignProgress progress() {
        int ops;
        synchronized (executed) {
            ops = executed.cardinality();
        }
        return new CampaignProgress(done.get(), divergent.get(), invalid.get(), store.size(), ops,
                System.nanoTime() - startNanos, config.programs() > 0 ? config.programs() : -1,
                config.timeLimit() == null ? 0 : config.timeLimit().toNanos());
    }

    private CampaignReport report() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        List<EngineStats> stats = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            List<Integer> ops;
            synchronized (agreedOpcodes[i]) {
                ops = OpcodeCoverage.list(agreedOpcodes[i]);
            }
            stats.add(new EngineStats(names.get(i), i == 0, programs.get(i), nanos[i].sum() / 1e9, divergences.get(i), ops));
        }
        List<Long> invalidSeeds;
        synchronized (invalidIndices) {
            invalidSeeds = invalidIndices.stream().map(config::seed).toList();
        }
        List<Integer> exec;
        synchronized (executed) {
            exec = OpcodeCoverage.list(executed);
        }
        return new CampaignReport(config, done.get(), divergent.get(), invalid.get(), invalidSeeds, seconds, stats, exec,
                store.findings(), store.duplicates());
    }

    private static List<String> uniqueNames(List<EngineFactory> factories) {
        List<String> out = new ArrayList<>();
        for (EngineFactory f : factories) {
            String n = f.name();
            for (int i = 2; out.contains(n); i++) n = f.name() + "-" + i;
            out.add(n);
        }
        return List.copyOf(out);
    }
}
