package dev.ebpfc.backend.select;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Operand;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.backend.regalloc.Location;
import dev.ebpfc.backend.regalloc.RegisterSet;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.helpers.HelperProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// Selection and allocation over the whole conformance suite with a model target (six argument
/// registers, a few callee-saved ones): every program the lifter takes is selected, every virtual
/// register is defined exactly once, every use is defined somewhere, calls carry the caller-saved
/// clobbers, and the allocator gives every defined register a location.
class SelectorTest {
    /// Registers 0–5 are the arguments (0 also the result), 6–7 more caller-saved, 8–11 callee-saved,
    /// 12–13 scratch.
    static final class ModelMachine implements TargetMachine {
        @Override
        public String name() {
            return "model";
        }

        @Override
        public RegisterSet registers() {
            return new RegisterSet(List.of(0, 1, 2, 3, 4, 5, 6, 7), List.of(8, 9, 10, 11), List.of(12, 13));
        }

        @Override
        public int argumentRegister(int i) {
            return i;
        }

        @Override
        public int returnRegister() {
            return 0;
        }

        @Override
        public Set<Integer> callClobbers() {
            return Set.of(0, 1, 2, 3, 4, 5, 6, 7);
        }

        @Override
        public CompiledProgram emit(ProgramDef def, List<SelectedFunction> functions, CompileOptions options) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void everyConformanceProgramIsSelectedAndAllocated() throws IOException {
        String dir = System.getProperty("ebpfc.conformance.dir");
        assertTrue(dir != null, "system property ebpfc.conformance.dir is not set");
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(dir, "tests"))) {
            files = s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
        assertEquals(313, files.size());
        CompileOptions options = CompileOptions.O0.withLevel(CompileOptions.Level.O2)
                .withEnvironment(new ProgramEnvironment(HelperProfile.CONFORMANCE, null, List.of()));
        ModelMachine tm = new ModelMachine();
        int selected = 0;
        for (Path f : files) {
            ProgramDef def = ProgramDef.of(f.getFileName().toString(), DataFileReader.read(f).program());
            OptimisingCompiler.Stages stages;
            try {
                stages = OptimisingCompiler.select(def, options, tm);
            } catch (RuntimeException e) {
                throw new AssertionError(f.getFileName() + ": " + e, e);
            }
            if (stages == null) continue;
            selected++;
            for (SelectedFunction fn : stages.functions()) check(f.getFileName() + " @" + fn.name(), fn, tm);
        }
        assertTrue(selected >= 290, "only " + selected + " of 313 programs lifted");
    }

    private static void check(String where, SelectedFunction fn, ModelMachine tm) {
        var mf = fn.machine();
        BitSet defined = new BitSet();
        for (MachineBlock b : mf.blocks()) {
            for (Reg.VReg p : b.params()) define(where, defined, p);
            for (MachineInst i : b.insts()) {
                for (Operand o : i.operands()) if (o.role() == Operand.Role.DEF && o.reg() instanceof Reg.VReg v) define(where, defined, v);
                if (i.op() instanceof MOp.CallOut || i.op() instanceof MOp.CallLocal || i.op() instanceof MOp.CallAddress) {
                    assertEquals(tm.callClobbers(), i.clobbers(), where + ": " + i);
                }
            }
        }
        for (MachineBlock b : mf.blocks()) {
            for (MachineInst i : b.insts()) {
                for (Operand o : i.operands()) {
                    if (o.role() != Operand.Role.DEF && o.reg() instanceof Reg.VReg v && !defined.get(v.id())) {
                        fail(where + ": " + v + " used by " + i + " but never defined");
                    }
                }
            }
            for (MachineBlock.Edge e : b.succs()) {
                for (Reg r : e.args()) if (r instanceof Reg.VReg v && !defined.get(v.id())) fail(where + ": edge argument " + v + " never defined");
            }
        }
        for (int v = 0; v < mf.vregCount(); v++) {
            if (defined.get(v)) assertTrue(fn.allocation().of(Reg.v(v)) instanceof Location, where);
        }
    }

    private static void define(String where, BitSet defined, Reg.VReg v) {
        if (defined.get(v.id())) fail(where + ": " + v + " defined twice");
        defined.set(v.id());
    }
}
