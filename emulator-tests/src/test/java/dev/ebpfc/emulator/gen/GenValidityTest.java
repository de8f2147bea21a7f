package dev.ebpfc.emulator.gen;

import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.runtime.interp.StaticCheck;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// The generator is right by construction: 10 000 programs (default configuration, long
/// programs included) pass the target and static checks, and the interpreter runs each to exit
/// or unwind, never out of bounds, out of budget or rejected. Prints generate+interpret
/// throughput.
class GenValidityTest {
    @Test
    void tenThousandProgramsRunCleanly() {
        ProgramGenerator gen = new ProgramGenerator();
        Map<ErrorKind, Integer> kinds = new EnumMap<>(ErrorKind.class);
        long insns = 0, executed = 0, maxExecuted = 0;
        int longest = 0;
        long start = System.nanoTime();
        for (long seed = 0; seed < 10_000; seed++) {
            GeneratedProgram g = gen.generate(seed);
            Decoder.checkTargets(g.program());
            String rejected = StaticCheck.check(g.program());
            if (rejected != null) fail("seed " + seed + ": " + rejected + "\n" + g.program());
            ExecutionResult r = new Interpreter(g.program(), RuntimeOptions.conformance()).run(RunInput.of(g.mem()));
            kinds.merge(r.error(), 1, Integer::sum);
            if (r.error() != ErrorKind.NONE && r.error() != ErrorKind.UNWIND) fail("seed " + seed + ": " + r + "\n" + g.program());
            insns += g.program().size();
            executed += r.executed();
            maxExecuted = Math.max(maxExecuted, r.executed());
            longest = Math.max(longest, g.program().size());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("GenValidityTest: 10000 programs generated+interpreted in %.2f s (%.0f programs/s); %d instructions"
                        + " (mean %d, longest %d); %d executed (mean %d, max %d); %s%n",
                secs, 10_000 / secs, insns, insns / 10_000, longest, executed, executed / 10_000, maxExecuted, kinds);
        assertTrue(kinds.getOrDefault(ErrorKind.NONE, 0) > 9_000, kinds.toString());
        assertTrue(maxExecuted <= GeneratorConfig.defaults().maxDynamicInsns(), "dynamic bound exceeded: " + maxExecuted);
    }

    @Test
    void smallAndLongConfigurationsAreValidToo() {
        GeneratorConfig tiny = GeneratorConfig.defaults().withStatements(1, 3).withFunctions(0);
        GeneratorConfig huge = GeneratorConfig.defaults().withLongProgramChance(1.0).withFunctions(7).withMisalignedChance(0.5);
        for (GeneratorConfig c : new GeneratorConfig[]{tiny, huge}) {
            ProgramGenerator gen = new ProgramGenerator(c);
            for (long seed = 0; seed < 300; seed++) {
                GeneratedProgram g = gen.generate(seed);
                String rejected = StaticCheck.check(g.program());
                if (rejected != null) fail("seed " + seed + ": " + rejected);
                ExecutionResult r = new Interpreter(g.program(), RuntimeOptions.conformance()).run(RunInput.of(g.mem()));
                if (r.error() != ErrorKind.NONE && r.error() != ErrorKind.UNWIND) fail("seed " + seed + ": " + r);
            }
        }
    }

    @Test
    void eachFeatureAloneIsValid() {
        for (Feature f : Feature.values()) {
            GeneratorConfig c = GeneratorConfig.defaults();
            for (Feature g : Feature.values()) c = c.withWeight(g, g == f ? 1 : 0);
            ProgramGenerator gen = new ProgramGenerator(c);
            for (long seed = 0; seed < 200; seed++) {
                GeneratedProgram g = gen.generate(seed);
                String rejected = StaticCheck.check(g.program());
                if (rejected != null) fail(f + " seed " + seed + ": " + rejected);
                ExecutionResult r = new Interpreter(g.program(), RuntimeOptions.conformance()).run(RunInput.of(g.mem()));
                if (r.error() != ErrorKind.NONE && r.error() != ErrorKind.UNWIND) fail(f + " seed " + seed + ": " + r);
            }
        }
    }
}
