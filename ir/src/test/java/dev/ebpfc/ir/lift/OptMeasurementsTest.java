package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.opt.PassContext;
import dev.ebpfc.ir.opt.Pipeline;
import dev.ebpfc.ir.opt.PipelineListener;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/// Prints, for every fixture and bench program, the IR size (instructions, block parameters,
/// stack loads and stores) at `-O0`, `-O1` and `-O2`, then the warm time of lifting plus `-O2`
/// per 1000 bytecode instructions (thread CPU time, no checker). Asserts only that optimising
/// never grows a program and shrinks the whole set.
class OptMeasurementsTest {
    /// Instructions, block parameters and stack accesses (loads and stores through the frame).
    record Size(int insts, int params, int stack) {
        static Size of(Module m) {
            int insts = 0, params = 0, stack = 0;
            for (Function f : m.functions()) {
                for (Block b : f.blocks()) {
                    params += b.params().size();
                    insts += b.instructions().size();
                    for (var i : b.instructions()) {
                        for (var v : i.op().operands()) {
                            if ((i.op() instanceof dev.ebpfc.ir.Instruction.Load || i.op() instanceof dev.ebpfc.ir.Instruction.Store)
                                    && v.type() == dev.ebpfc.ir.Type.PTR_STACK && v == i.op().operands().getFirst()) stack++;
                        }
                    }
                }
            }
            return new Size(insts, params, stack);
        }
    }

    static Module optimised(ProgramDef p, BpfObject obj, int level) {
        Module m = Lifter.lift(p, obj.maps(), HelperProfile.LINUX);
        return Pipeline.run(m, context(p, obj, level), PipelineListener.NONE);
    }

    /// What a compilation gives the passes (so `bce` runs the verifier and `helper-inline` fires,
    /// and both count in the compile time).
    static PassContext context(ProgramDef p, BpfObject obj, int level) {
        return new PassContext(level, false, HelperProfile.LINUX, ContextKind.ofSection(p.section()), obj.maps());
    }

    @Test
    void sizesAndCompileTime() throws IOException {
        List<ProgramDef> all = new ArrayList<>();
        List<BpfObject> owners = new ArrayList<>();
        System.out.printf("%-22s %-20s %6s | %12s | %12s | %12s | %6s%n", "object", "program", "insns", "-O0 ir/stk", "-O1 ir/stk", "-O2 ir/stk", "O2/O0");
        long[] total = new long[3];
        long totalInsns = 0;
        for (Path f : LiftObjectsDifferentialTest.objects()) {
            BpfObject obj = ObjectLoader.load(f);
            for (ProgramDef p : obj.programs()) {
                Size[] s = new Size[3];
                for (int level = 0; level < 3; level++) {
                    s[level] = Size.of(optimised(p, obj, level));
                    total[level] += s[level].insts();
                }
                totalInsns += p.program().size();
                System.out.printf("%-22s %-20s %6d | %6d %5d | %6d %5d | %6d %5d | %5.0f%%%n", f.getFileName(), p.name(), p.program().size(),
                        s[0].insts(), s[0].stack(), s[1].insts(), s[1].stack(), s[2].insts(), s[2].stack(), 100.0 * s[2].insts() / s[0].insts());
                assertTrue(s[1].insts() <= s[0].insts() && s[2].insts() <= s[0].insts(), p.name() + " grew");
                all.add(p);
                owners.add(obj);
            }
        }
        System.out.printf("total: %d bytecode instructions; IR -O0 %d, -O1 %d (%.0f%%), -O2 %d (%.0f%%)%n", totalInsns,
                total[0], total[1], 100.0 * total[1] / total[0], total[2], 100.0 * total[2] / total[0]);
        assertTrue(total[2] < total[0] * 0.9, "-O2 shrinks the set by less than 10%");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String previous = System.getProperty("ebpfc.lift.check");
        try {
            System.setProperty("ebpfc.lift.check", "false");
            for (int level : new int[]{0, 2}) {
                for (int round = 0; round < 20; round++) compileAll(all, owners, level);
                int rounds = 30;
                long t0 = mx.getCurrentThreadCpuTime();
                for (int round = 0; round < rounds; round++) compileAll(all, owners, level);
                double ns = (mx.getCurrentThreadCpuTime() - t0) / (double) rounds;
                System.out.printf("lift%s (warm, CPU time): %.0f µs per 1000 bytecode instructions%n",
                        level == 0 ? "" : " + -O" + level, ns / 1000 / (totalInsns / 1000.0));
            }
            // Where -O2's time goes: each pass's thread CPU time, summed over its runs and warm rounds.
            java.util.Map<String, Long> byPass = new java.util.LinkedHashMap<>();
            int rounds = 30;
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < all.size(); i++) {
                    Module m = Lifter.lift(all.get(i), owners.get(i).maps(), HelperProfile.LINUX);
                    PassContext context = context(all.get(i), owners.get(i), 2);
                    for (var pass : Pipeline.passes(2)) {
                        long t0 = mx.getCurrentThreadCpuTime();
                        pass.run(m, context);
                        byPass.merge(pass.name(), mx.getCurrentThreadCpuTime() - t0, Long::sum);
                    }
                }
            }
            StringBuilder sb = new StringBuilder("-O2 by pass (CPU), µs per 1000 bytecode instructions:");
            for (var e : byPass.entrySet()) sb.append(String.format(" %s %.0f", e.getKey(), e.getValue() / 1000.0 / rounds / (totalInsns / 1000.0)));
            System.out.println(sb);
        } finally {
            if (previous == null) System.clearProperty("ebpfc.lift.check");
            else System.setProperty("ebpfc.lift.check", previous);
        }
    }

    private static void compileAll(List<ProgramDef> all, List<BpfObject> owners, int level) {
        for (int i = 0; i < all.size(); i++) optimised(all.get(i), owners.get(i), level);
    }
}
