package dev.ebpfc.ir.interp;

import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Module;
import dev.ebpfc.runtime.ErrorKind;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/// One program for the [IrInterpreter]: its module and the bytecode slot each function starts at,
/// which fixes the code address `func_addr @f` evaluates to (the same [MemoryLayout] address the
/// bytecode interpreter gives `lddw func`). Or, for a program that could not be lifted, why: a
/// tail call into it fails the run the way the bytecode interpreter's would.
///
/// [dev.ebpfc.runtime.memory.MemoryLayout]
public record IrProgram(Module module, Map<String, Integer> functionSlots, ErrorKind failure, String failureMessage) {
    public IrProgram {
        functionSlots = functionSlots == null ? Map.of() : Map.copyOf(functionSlots);
        if ((module == null) == (failure == null)) throw new IllegalArgumentException("a program has either a module or a failure");
    }

    /// A lifted program whose functions start at `functionSlots`.
    public static IrProgram of(Module module, Map<String, Integer> functionSlots) {
        return new IrProgram(Objects.requireNonNull(module), functionSlots, null, null);
    }

    /// A module not lifted from bytecode: function i "starts" at slot i.
    public static IrProgram of(Module module) {
        Map<String, Integer> slots = new LinkedHashMap<>();
        List<Function> fs = module.functions();
        for (int i = 0; i < fs.size(); i++) slots.put(fs.get(i).name(), i);
        return of(module, slots);
    }

    /// A program that cannot run, with the error kind and message a run or tail call reports.
    public static IrProgram failed(ErrorKind kind, String message) {
        return new IrProgram(null, null, Objects.requireNonNull(kind), message);
    }

    public boolean failed() {
        return failure != null;
    }

    /// Function by starting slot (the inverse of `functionSlots`).
    Map<Integer, String> functionsBySlot() {
        Map<Integer, String> m = new HashMap<>();
        functionSlots.forEach((name, slot) -> m.put(slot, name));
        return m;
    }
}
