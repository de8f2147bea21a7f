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
/// which fixes the code address `func_addr @f` evaluates to (the address the bytecode interpreter
/// gives `lddw func`, from `MemoryLayout.codeAddress`) and the function a `callx` reaches. Or, for
/// a program that could not be lifted, why: running it, or tail-calling into it, fails the way
/// the bytecode interpreter's run would.
public final class IrProgram {
    private final Module module;
    private final Map<String, Integer> functionSlots;
    private final Map<Integer, String> functionsBySlot = new HashMap<>();
    private final ErrorKind failure;
    private final String failureMessage;

    private IrProgram(Module module, Map<String, Integer> functionSlots, ErrorKind failure, String failureMessage) {
        this.module = module;
        this.functionSlots = Map.copyOf(functionSlots);
        this.failure = failure;
        this.failureMessage = failureMessage;
        functionSlots.forEach((name, slot) -> functionsBySlot.put(slot, name));
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
        return new IrProgram(null, Map.of(), Objects.requireNonNull(kind), message);
    }

    /// The module, or null when the program failed to lift.
    public Module module() {
        return module;
    }

    public Map<String, Integer> functionSlots() {
        return functionSlots;
    }

    public boolean failed() {
        return failure != null;
    }

    public ErrorKind failure() {
        return failure;
    }

    public String failureMessage() {
        return failureMessage;
    }

    /// The function starting at `slot`, or null.
    String functionAt(int slot) {
        return functionsBySlot.get(slot);
    }
}
