package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.check.IrChecker;
import dev.ebpfc.runtime.helpers.HelperProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/// Prints, for every fixture and bench program, the bytecode size and the size of the lifted IR
/// (functions, blocks, block parameters, instructions), then the warm lifting time per 1000
/// bytecode instructions over all of them (thread CPU time; the lifter without, then the checker
/// alone). Asserts only what must hold: every program lifts, and the IR is not absurdly larger
/// than the bytecode.
class LiftMeasurementsTest {
    @Test
    void irSizeAndLiftingTime() throws IOException {
        List<ProgramDef> all = new ArrayList<>();
        List<BpfObject> owners = new ArrayList<>();
        System.out.printf("%-28s %-22s %6s %6s %4s %6s %6s %6s %6s%n", "object", "program", "slots", "insns", "fns", "blocks", "params", "ir", "ir/insn");
        long totalInsns = 0, totalIr = 0;
        for (Path f : LiftObjectsDifferentialTest.objects()) {
            BpfObject obj = ObjectLoader.load(f);
            for (ProgramDef p : obj.programs()) {
                Module m = Lifter.lift(p, obj.maps(), HelperProfile.LINUX);
                int blocks = 0, params = 0, insts = 0;
                for (Function fn : m.functions()) {
                    for (Block b : fn.blocks()) {
                        blocks++;
                        params += b.params().size();
                        insts += b.instructions().size();
                    }
                }
                int n = p.program().size();
                totalInsns += n;
                totalIr += insts;
                System.out.printf("%-28s %-22s %6d %6d %4d %6d %6d %6d %6.2f%n", f.getFileName(), p.name(), p.program().slotCount(), n,
                        m.functions().size(), blocks, params, insts, insts / (double) n);
                assertTrue(insts < 6 * n + 10, p.name() + ": " + insts + " IR instructions for " + n + " bytecode instructions");
                all.add(p);
                owners.add(obj);
            }
        }
        System.out.printf("total: %d bytecode instructions, %d IR instructions (%.2f per instruction)%n", totalInsns, totalIr, totalIr / (double) totalInsns);
        // Thread CPU time: the machine is shared, wall time is not the lifter's.
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String previous = System.getProperty("ebpfc.lift.check");
        try {
            System.setProperty("ebpfc.lift.check", "false");
            for (int round = 0; round < 30; round++) liftAll(all, owners);
            int rounds = 50;
            long t0 = mx.getCurrentThreadCpuTime();
            for (int round = 0; round < rounds; round++) liftAll(all, owners);
            double ns = (mx.getCurrentThreadCpuTime() - t0) / (double) rounds;
            System.out.printf("lifting (warm, CPU time, without the checker): %.0f µs for all %d programs, %.0f µs per 1000 bytecode instructions%n",
                    ns / 1000, all.size(), ns / 1000 / (totalInsns / 1000.0));
            List<Module> modules = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) modules.add(Lifter.lift(all.get(i), owners.get(i).maps(), HelperProfile.LINUX));
            for (int round = 0; round < 30; round++) modules.forEach(IrChecker::check);
            t0 = mx.getCurrentThreadCpuTime();
            for (int round = 0; round < rounds; round++) modules.forEach(IrChecker::check);
            ns = (mx.getCurrentThreadCpuTime() - t0) / (double) rounds;
            System.out.printf("IR checker on the lifted modules: %.0f µs per 1000 bytecode instructions%n", ns / 1000 / (totalInsns / 1000.0));
        } finally {
            if (previous == null) System.clearProperty("ebpfc.lift.check");
            else System.setProperty("ebpfc.lift.check", previous);
        }
    }

    private static void liftAll(List<ProgramDef> all, List<BpfObject> owners) {
        for (int i = 0; i < all.size(); i++) Lifter.lift(all.get(i), owners.get(i).maps(), HelperProfile.LINUX);
    }
}
