package dev.ebpfc.runtime;

import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;

/// Something that runs eBPF programs: the reference interpreter, the IR interpreter, compiled code
/// under an emulator or natively. Every engine returns the same [ExecutionResult] record, so
/// results compare field by field. `maps` belongs to the caller and is mutated by the run.
public interface Engine {
    /// The name users select it by (`interp`, `x86_64`, …).
    String name();

    ExecutionResult run(BpfObject object, int program, MapSet maps, RunInput input, RuntimeOptions options);
}
