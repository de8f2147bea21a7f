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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// The generator is right by construction: 10 000 programs pass the static check and the
/// interpreter runs each to exit (or to unwind), never out of bounds, out of budget or rejected.
/// Also measures generate+interpret throughput.
class GenValidityTest {
    @Test
    void tenThousandProgramsRunCleanly() {
        ProgramGenerator gen = new ProgramGenerator();
        Map<ErrorKind, Integer> kinds = new EnumMap<>(ErrorKind.class);
        long insns = 0, executed = 0;
        int longest = 0;
        long start = System.nanoTime();
        for (long seed = 0; seed < 10_000; seed++) {
            GeneratedProgram g = gen.generate(seed);
            Decoder.checkTargets(g.program());
            String rejected = StaticCheck.check(g.program());
            if (rejected != null) fail("seed " + seed + ": " + rejected + "\n" + g.program());
            ExecutionResult r = new Interpreter(g.program(), RuntimeOptions.conformance()).run(RunInput.of(g.mem()));
            kinds.merge(r.error(), 1, Integer::sum);
            if (r.error() != ErrorKind.NONE && r.error() != ErrorKind.UNWIND) {
                fail("seed " + seed + ": " + r + "\n" + g.program());
            }
            insns += g.program().size();
            executed += r.executed();
            longest = Math.max(longest, g.program().size());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("10000 programs in %.2f s (%.0f programs/s), %d instructions (longest %d), %d executed; %s%n",
                secs, 10_000 / secs, insns, longest, executed, kinds);
        assertTrue(kinds.getOrDefault(ErrorKind.NONE, 0) > 9_000, kinds.toString());
    }
}
