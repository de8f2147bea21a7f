package dev.ebpfc.ir.interp;

import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.lift.BpfFunctions;
import dev.ebpfc.ir.lift.LiftException;
import dev.ebpfc.ir.lift.Lifter;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.StaticCheck;
import dev.ebpfc.runtime.maps.MapSet;

import java.util.ArrayList;
import java.util.List;

/// The IR interpreter as an [Engine] (`ir`): lifts every program of the object (so tail calls can
/// reach them by index) and runs the lifted IR. Like the bytecode interpreter it runs the static
/// pre-check first when the options ask for it, takes the context kind from the options or else
/// from the first program's section, and keeps the lifted programs for the last object and options.
public final class IrEngine implements Engine {
    private BpfObject lastObject;
    private RuntimeOptions lastOptions;
    private IrInterpreter last;

    @Override
    public String name() {
        return "ir";
    }

    @Override
    public ExecutionResult run(BpfObject object, int program, MapSet maps, RunInput input, RuntimeOptions options) {
        if (object != lastObject || !options.equals(lastOptions)) {
            last = interpreter(object, options);
            lastObject = object;
            lastOptions = options;
        }
        return last.run(program, maps, input);
    }

    /// An interpreter over every program of `object`, lifted for the run's context kind.
    public static IrInterpreter interpreter(BpfObject object, RuntimeOptions options) {
        ContextKind kind = options.context() != null ? options.context() : ContextKind.ofSection(object.programs().getFirst().section());
        List<IrProgram> programs = new ArrayList<>();
        for (ProgramDef p : object.programs()) programs.add(lift(object, p, kind, options));
        return new IrInterpreter(programs, options.withContext(kind));
    }

    private static IrProgram lift(BpfObject object, ProgramDef p, ContextKind kind, RuntimeOptions options) {
        if (options.staticCheck()) {
            String rejection = StaticCheck.check(p.program());
            if (rejection != null) return IrProgram.failed(ErrorKind.REJECTED, rejection);
        }
        try {
            return IrProgram.of(Lifter.lift(p, object.maps(), kind, options.profile()), BpfFunctions.of(p).slots());
        } catch (LiftException e) {
            return IrProgram.failed(e.kind == LiftException.Kind.UNSUPPORTED ? ErrorKind.UNSUPPORTED : ErrorKind.REJECTED, e.getMessage());
        }
    }
}
