package dev.ebpfc.backend.select;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.regalloc.Allocation;
import dev.ebpfc.backend.regalloc.LinearScan;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.lift.BpfFunctions;
import dev.ebpfc.ir.lift.LiftException;
import dev.ebpfc.ir.lift.Lifter;
import dev.ebpfc.ir.opt.PassContext;
import dev.ebpfc.ir.opt.Pipeline;
import dev.ebpfc.ir.opt.PipelineListener;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/// The -O2 path every target shares: lift the program to SSA IR, run the optimiser's -O2
/// pipeline for the program's environment, select machine instructions per function
/// ([Selector]), allocate registers ([LinearScan]), and let the target emit the code
/// ([TargetMachine#emit]).
///
/// Programs the lifter refuses (invalid, or using what ebpfc does not model) have no -O2 form:
/// [#compile] returns null and the target compiles them at -O0, whose code reports the problem
/// at run time exactly as the interpreter does.
public final class OptimisingCompiler {
    private OptimisingCompiler() {
    }

    /// The stages, for timing and inspection.
    public record Stages(Module optimised, List<SelectedFunction> functions) {
    }

    /// The -O2 code of `def` for `tm`, or null when the lifter refuses the program.
    public static CompiledProgram compile(ProgramDef def, CompileOptions options, TargetMachine tm) {
        Stages s = select(def, options, tm);
        return s == null ? null : tm.emit(def, s.functions(), options);
    }

    /// Lifted, optimised, selected and allocated; null when the lifter refuses the program.
    public static Stages select(ProgramDef def, CompileOptions options, TargetMachine tm) {
        Module m = optimise(def, options.environment());
        if (m == null) return null;
        Map<String, Integer> slots = BpfFunctions.of(def).slots();
        List<Function> functions = new ArrayList<>(m.functions());
        functions.sort(Comparator.comparingInt(fn -> slots.getOrDefault(fn.name(), Integer.MAX_VALUE)));
        if (functions.isEmpty() || functions.getFirst() != m.entry()) {
            throw new IllegalStateException("the entry function must start at slot 0");
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < functions.size(); i++) index.put(functions.get(i).name(), i);
        List<SelectedFunction> selected = new ArrayList<>();
        RandomGenerator keys = options.hardening().blindConstants()
                ? new SplittableRandom(options.hardening().seed() ^ java.util.Arrays.hashCode(dev.ebpfc.frontend.codec.Encoder.encode(def.program()))) : null;
        for (Function fn : functions) {
            MachineFunction mf = Selector.select(tm, fn, index, slots, options.frameStride(), keys);
            Allocation alloc = LinearScan.allocate(mf, tm.registers());
            selected.add(new SelectedFunction(fn.name(), slots.getOrDefault(fn.name(), -1), mf, alloc));
        }
        return new Stages(m, selected);
    }

    /// The lifted program after the -O2 pipeline, or null when the lifter refuses it.
    public static Module optimise(ProgramDef def, ProgramEnvironment env) {
        Module m;
        try {
            m = Lifter.lift(def, env.maps(), env.contextFor(def), env.helpers());
        } catch (LiftException e) {
            return null;
        }
        Pipeline.run(m, new PassContext(2, false, env.helpers(), env.contextFor(def), env.maps().isEmpty() ? null : env.maps()), PipelineListener.NONE);
        return m;
    }
}
