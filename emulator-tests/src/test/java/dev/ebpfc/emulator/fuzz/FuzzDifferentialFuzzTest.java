package dev.ebpfc.emulator.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ebpfc.emulator.diff.DifferentialRunner;
import dev.ebpfc.emulator.diff.Divergence;
import dev.ebpfc.emulator.gen.Feature;
import dev.ebpfc.emulator.gen.GeneratedProgram;
import dev.ebpfc.emulator.gen.GeneratorConfig;
import dev.ebpfc.emulator.gen.ProgramGenerator;
import dev.ebpfc.emulator.gen.Reproducer;
import dev.ebpfc.emulator.gen.Shrinker;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.RuntimeOptions;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/// Coverage-guided differential fuzzing: fuzzer bytes choose a generator seed and configuration
/// (feature weights, program size, subprograms, long programs, misaligned accesses), and every
/// engine in [EngineCatalog] must agree with the reference on the program (the interpreter alone
/// runs against a second instance of itself). A failure shows the divergence and the program
/// shrunk. In the normal build this runs in regression mode over the committed corpus
/// (`FuzzDifferentialFuzzTestInputs/differentialNeverDiverges`); with `JAZZER_FUZZ=1` it fuzzes
/// (see docs/fuzzing.md).
///
/// Input layout, every part optional (missing bytes keep the defaults): 8 bytes seed (little
/// endian), one weight byte per [Feature] in declaration order (low 4 bits), then one byte each
/// for the statement limit, the subprogram limit, the long-program chance and the misaligned
/// chance.
class FuzzDifferentialFuzzTest {
    /// Each fuzzing thread's own engines: emulated engines are confined to their thread.
    private static final ThreadLocal<DifferentialRunner> RUNNER = ThreadLocal.withInitial(() -> {
        List<Engine> engines = new ArrayList<>();
        for (EngineFactory f : EngineCatalog.ALL) engines.add(f.create());
        if (engines.size() == 1) engines.add(EngineCatalog.ALL.getFirst().create());
        return new DifferentialRunner(engines);
    });

    @FuzzTest(maxDuration = "60s")
    void differentialNeverDiverges(byte[] input) {
        Choice c = Choice.of(input);
        GeneratedProgram g = new ProgramGenerator(c.config()).generate(c.seed());
        DifferentialRunner runner = RUNNER.get();
        DifferentialRunner.Outcome o = runner.run(g.program(), g.mem());
        if (!o.referenceValid()) {
            fail("the generator made a program the reference does not run validly (seed " + c.seed() + ", " + c.config() + "): "
                    + o.reference() + (o.divergences().isEmpty() ? "" : "\n" + o.divergences().getFirst().describe()) + "\n" + g.program());
        }
        if (o.agreed()) return;
        Divergence d = o.divergences().getFirst();
        DifferentialRunner pair = new DifferentialRunner(List.of(runner.engines().getFirst(),
                runner.engines().stream().filter(e -> e.name().equals(d.engine())).findFirst().orElseThrow()),
                RuntimeOptions.conformance().withBudget(Math.max(100_000, 4 * o.reference().executed())));
        Shrinker.Result s = new Shrinker(pair.stillDiverges(d.engine()), 5_000).shrink(g.program(), g.mem());
        fail("seed " + c.seed() + ": " + d.describe() + "shrunk to " + s.program().size() + " instructions (-- mem "
                + java.util.HexFormat.of().formatHex(s.mem()) + "):\n" + Reproducer.asm(s.program()));
    }

    /// What the fuzzer's bytes choose.
    record Choice(long seed, GeneratorConfig config) {
        static Choice of(byte[] b) {
            int at = 0;
            long seed = 0;
            for (; at < 8 && at < b.length; at++) seed |= (b[at] & 0xffL) << (8 * at);
            GeneratorConfig c = GeneratorConfig.defaults();
            Feature[] features = Feature.values();
            if (b.length > at) {
                // All weights at once: setting them one by one passes through "every weight 0".
                Map<Feature, Integer> w = new EnumMap<>(Feature.class);
                for (Feature f : features) w.put(f, at < b.length ? b[at++] & 0x0f : 0);
                if (w.values().stream().allMatch(x -> x == 0)) w.put(Feature.ALU, 1);
                c = new GeneratorConfig(w, c.minStatements(), c.maxStatements(), c.minData(), c.maxData(), c.maxFunctions(),
                        c.maxLoopDepth(), c.maxLoopTrips(), c.maxDynamicInsns(), c.longProgramChance(), c.restartChance(),
                        c.misalignedChance());
            }
            if (at < b.length) {
                int max = 1 + (b[at++] & 0xff) % 100;
                c = c.withStatements(Math.min(c.minStatements(), max), max);
            }
            if (at < b.length) c = c.withFunctions((b[at++] & 0xff) % 8);
            if (at < b.length) c = c.withLongProgramChance((b[at++] & 0xff) < 16 ? 1.0 : 0.0);
            if (at < b.length) c = c.withMisalignedChance((b[at++] & 0xff) / 255.0);
            return new Choice(seed, c);
        }
    }
}
