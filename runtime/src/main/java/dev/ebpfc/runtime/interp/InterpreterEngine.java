package dev.ebpfc.runtime.interp;

import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;

/// The reference interpreter as an [Engine] (`interp`). Every program of the object is loaded, so
/// tail calls can reach the others by their index. The decoded interpreter for the last object and
/// options is kept, so repeated runs (benchmarks, `--repeat`) do not decode again.
public final class InterpreterEngine implements Engine {
    private BpfObject lastObject;
    private RuntimeOptions lastOptions;
    private Interpreter last;

    @Override
    public String name() {
        return "interp";
    }

    @Override
    public ExecutionResult run(BpfObject object, int program, MapSet maps, RunInput input, RuntimeOptions options) {
        if (object != lastObject || !options.equals(lastOptions)) {
            last = new Interpreter(object.programs(), options);
            lastObject = object;
            lastOptions = options;
        }
        return last.run(program, maps, input);
    }
}
