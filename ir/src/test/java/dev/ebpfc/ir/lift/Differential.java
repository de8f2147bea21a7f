package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.HelperCall;
import dev.ebpfc.runtime.RegionSnapshot;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.runtime.maps.MapSet;

import java.util.Arrays;
import java.util.List;

/// Runs a program on the bytecode interpreter and on the IR interpreter and says how the results
/// differ: r0, error kind, every region snapshot, the helper-call trace, the printk text, perf
/// events and ring-buffer records. Executed-instruction counts differ by nature and are not
/// compared. Helper calls compare exactly: every engine records the arguments of the helper's
/// prototype (runtime's `HelperCall.of`).
final class Differential {
    private Differential() {
    }

    /// Both results of one run.
    record Pair(ExecutionResult interp, ExecutionResult ir) {
        /// What differs, or null when they agree.
        String mismatch() {
            return compare(interp, ir);
        }
    }

    static Pair run(BpfObject object, int program, RunInput input, RuntimeOptions options) {
        ExecutionResult a = new Interpreter(object.programs(), options).run(program, new MapSet(object.maps()), input);
        ExecutionResult b = IrEngine.interpreter(object, program, options).run(program, new MapSet(object.maps()), input);
        return new Pair(a, b);
    }

    static String compare(ExecutionResult a, ExecutionResult b) {
        if (a.error() != b.error()) return "error kind: interp " + a + ", ir " + b;
        if (a.r0() != b.r0()) return "r0: interp " + a + ", ir " + b;
        if (!a.regions().equals(b.regions())) {
            for (int i = 0; i < Math.max(a.regions().size(), b.regions().size()); i++) {
                RegionSnapshot x = i < a.regions().size() ? a.regions().get(i) : null;
                RegionSnapshot y = i < b.regions().size() ? b.regions().get(i) : null;
                if (x == null || !x.equals(y)) return "region " + i + ": interp " + x + ", ir " + y;
            }
        }
        List<HelperCall> ta = a.trace(), tb = b.trace();
        if (ta.size() != tb.size()) return "helper trace length: interp " + ta + ", ir " + tb;
        for (int i = 0; i < ta.size(); i++) {
            HelperCall x = ta.get(i), y = tb.get(i);
            if (!x.equals(y)) {
                return "helper call " + i + ": interp " + x + ", ir " + y;
            }
        }
        if (!a.printk().equals(b.printk())) return "printk: interp " + a.printk() + ", ir " + b.printk();
        if (!sameBytes(a.perfEvents(), b.perfEvents())) return "perf events differ";
        if (!sameBytes(a.ringbufRecords(), b.ringbufRecords())) return "ring buffer records differ";
        return null;
    }

    private static boolean sameBytes(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!Arrays.equals(a.get(i), b.get(i))) return false;
        return true;
    }
}
