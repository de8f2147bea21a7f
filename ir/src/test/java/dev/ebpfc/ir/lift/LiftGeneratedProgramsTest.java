package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.helpers.HelperProfile;
import dev.ebpfc.runtime.interp.StaticCheck;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// Lifts and runs [BpfProgramGenerator] programs (10 000 per build; `-Debpfc.gen.count=N` and
/// `-Debpfc.gen.seed=S` to change): each passes the static check, lifts to well-formed IR, and the
/// bytecode and IR interpreters agree on the whole result. A failure names the seed and prints
/// the program.
class LiftGeneratedProgramsTest {
    @Test
    void generatedProgramsLiftAndAgree() {
        int count = Integer.getInteger("ebpfc.gen.count", 10_000);
        long base = Long.getLong("ebpfc.gen.seed", 0x1f7e5L);
        RuntimeOptions options = RuntimeOptions.conformance();
        List<String> failures = new ArrayList<>();
        Map<ErrorKind, Integer> outcomes = new EnumMap<>(ErrorKind.class);
        long insns = 0;
        long t0 = System.nanoTime();
        int ran = 0;
        for (int i = 0; i < count && failures.size() < 5; i++, ran++) {
            long seed = base + i;
            ProgramDef def = new BpfProgramGenerator(seed).generate();
            insns += def.program().size();
            String why = StaticCheck.check(def.program());
            if (why == null) {
                try {
                    Lifter.lift(def, List.of(), options.context(), HelperProfile.CONFORMANCE);
                } catch (LiftException e) {
                    why = "not lifted: " + e.getMessage();
                }
            } else {
                why = "generator produced an invalid program: " + why;
            }
            if (why == null) {
                BpfObject obj = new BpfObject("gen", List.of(def), List.of(), "");
                Differential.Pair p = Differential.run(obj, 0, RunInput.of(BpfProgramGenerator.mem(seed)), options);
                why = p.mismatch();
                outcomes.merge(p.interp().error(), 1, Integer::sum);
            }
            if (why != null) failures.add("seed " + seed + ": " + why + "\n" + def.program());
        }
        System.out.printf("generated: %d programs, %d instructions, outcomes %s, %.1f s%n",
                ran, insns, outcomes, (System.nanoTime() - t0) / 1e9);
        assertEquals(List.of(), failures);
    }
}
