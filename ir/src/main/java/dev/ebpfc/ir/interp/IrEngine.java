package dev.ebpfc.ir.interp;

import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.lift.BpfFunctions;
import dev.ebpfc.ir.lift.LiftException;
import dev.ebpfc.ir.lift.Lifter;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RunEnvironment;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.StaticCheck;
import dev.ebpfc.runtime.maps.MapSet;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/// The IR interpreter as an [Engine] (`ir`): lifts every program of the object (so tail calls can
/// reach them by index) and runs the lifted IR. Like the bytecode interpreter it runs the static
/// pre-check first when the options ask for it, takes the context kind from the options or else
/// from the entry program's section (every program is lifted for that kind: a tail call keeps the
/// context), and keeps the lifted programs for the last object and options, per context kind.
///
/// `ir-O2` ([#IrEngine(int)] with level 2) runs the IR after the optimiser's -O2 pipeline (with the
/// run's helpers, context and maps), the IR the -O2 code generators start from: a differential
/// run against it separates optimiser bugs from code generator bugs. Optimised IR no longer calls
/// inlined array-map lookups (their helper-call trace entries are missing; see `InlinedLookups`).
public final class IrEngine implements Engine {
    private final int level;
    private BpfObject lastObject;
    private RuntimeOptions lastOptions;
    private final Map<ContextKind, IrInterpreter> lifted = new EnumMap<>(ContextKind.class);

    /// The lifted IR as it is (`ir`).
    public IrEngine() {
        this(0);
    }

    /// The lifted IR after the -O`level` pipeline (`ir` for 0, else `ir-O1`/`ir-O2`).
    public IrEngine(int level) {
        if (level < 0 || level > 2) throw new IllegalArgumentException("optimisation level " + level);
        this.level = level;
    }

    @Override
    public String name() {
        return level == 0 ? "ir" : "ir-O" + level;
    }

    @Override
    public ExecutionResult run(BpfObject object, int program, MapSet maps, RunInput input, RuntimeOptions options) {
        if (object != lastObject || !options.equals(lastOptions)) {
            lifted.clear();
            lastObject = object;
            lastOptions = options;
        }
        return lifted.computeIfAbsent(contextKind(object, program, options), k -> interpreter(object, k, options, level == 0 ? UnaryOperator.identity()
                : m -> dev.ebpfc.ir.opt.Pipeline.run(m, new dev.ebpfc.ir.opt.PassContext(level, false, options.profile(), k,
                        object.maps().isEmpty() ? null : object.maps()), dev.ebpfc.ir.opt.PipelineListener.NONE))).run(program, maps, input);
    }

    /// What r1 of program `entry` points to: the options' choice, else its section's.
    public static ContextKind contextKind(BpfObject object, int entry, RuntimeOptions options) {
        return RunEnvironment.contextKind(options, object.programs().get(entry));
    }

    /// An interpreter over every program of `object`, lifted for running program `entry`.
    public static IrInterpreter interpreter(BpfObject object, int entry, RuntimeOptions options) {
        return interpreter(object, entry, options, UnaryOperator.identity());
    }

    /// An interpreter over every program of `object`, lifted for running program `entry`, each
    /// module then transformed by `optimise` (the optimiser's pipeline, for before/after tests).
    public static IrInterpreter interpreter(BpfObject object, int entry, RuntimeOptions options, UnaryOperator<Module> optimise) {
        return interpreter(object, contextKind(object, entry, options), options, optimise);
    }

    private static IrInterpreter interpreter(BpfObject object, ContextKind kind, RuntimeOptions options) {
        return interpreter(object, kind, options, UnaryOperator.identity());
    }

    private static IrInterpreter interpreter(BpfObject object, ContextKind kind, RuntimeOptions options, UnaryOperator<Module> optimise) {
        List<IrProgram> programs = new ArrayList<>();
        for (ProgramDef p : object.programs()) programs.add(lift(object, p, kind, options, optimise));
        return new IrInterpreter(programs, options.withContext(kind));
    }

    private static IrProgram lift(BpfObject object, ProgramDef p, ContextKind kind, RuntimeOptions options, UnaryOperator<Module> optimise) {
        if (options.staticCheck()) {
            String rejection = StaticCheck.check(p.program());
            if (rejection != null) return IrProgram.failed(ErrorKind.REJECTED, rejection);
        }
        try {
            return IrProgram.of(optimise.apply(Lifter.lift(p, object.maps(), kind, options.profile())), BpfFunctions.of(p).slots());
        } catch (LiftException e) {
            return IrProgram.failed(e.kind == LiftException.Kind.UNSUPPORTED ? ErrorKind.UNSUPPORTED : ErrorKind.REJECTED, e.getMessage());
        }
    }
}
