package dev.ebpfc.emulator.fuzz;

import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.Tracer;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;

import java.util.BitSet;
import java.util.concurrent.atomic.LongAdder;

/// A campaign's view of one engine on one worker thread: the engine under the campaign's name for
/// it (unique, `interp-2` for a second interpreter), optionally adding the time spent inside it to
/// a counter shared by all workers, and optionally collecting the opcodes it executes through a
/// [Tracer] (used on the reference, whose tracer is cheap; compiled engines may not trace).
final class MeteredEngine implements Engine {
    private final Engine delegate;
    private final String name;
    private final LongAdder nanos;
    private final BitSet executed;

    /// `nanos` and `executed` may be null: not timed, no coverage.
    MeteredEngine(Engine delegate, String name, LongAdder nanos, BitSet executed) {
        this.delegate = delegate;
        this.name = name;
        this.nanos = nanos;
        this.executed = executed;
    }

    @Override
    public String name() {
        return name;
    }

    Engine delegate() {
        return delegate;
    }

    @Override
    public ExecutionResult run(BpfObject object, int program, MapSet maps, RunInput input, RuntimeOptions options) {
        RuntimeOptions o = options;
        if (executed != null) {
            Program p = object.programs().get(program).program();
            int[] bySlot = OpcodeCoverage.bySlot(p);
            Tracer outer = options.tracer();
            o = options.withTracer((depth, slot, r) -> {
                if (slot >= 0 && slot < bySlot.length && bySlot[slot] >= 0) executed.set(bySlot[slot]);
                if (outer != null) outer.step(depth, slot, r);
            });
        }
        long t0 = System.nanoTime();
        try {
            return delegate.run(object, program, maps, input, o);
        } finally {
            if (nanos != null) nanos.add(System.nanoTime() - t0);
        }
    }
}
