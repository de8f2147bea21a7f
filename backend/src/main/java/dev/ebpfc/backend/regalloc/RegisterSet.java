package dev.ebpfc.backend.regalloc;

import java.util.List;
import java.util.Set;

/// What the allocator needs to know about a target's registers. `callerSaved` and `calleeSaved`
/// are the allocatable registers in order of preference; callee-saved ones are only handed out when
/// no caller-saved register is free for the whole interval (they cost a save and a restore).
/// `scratch` registers are never allocated: the emitter uses them to reload spilled operands and to
/// break cycles in parallel copies.
public record RegisterSet(List<Integer> callerSaved, List<Integer> calleeSaved, List<Integer> scratch) {
    public RegisterSet {
        callerSaved = List.copyOf(callerSaved);
        calleeSaved = List.copyOf(calleeSaved);
        scratch = List.copyOf(scratch);
        if (scratch.isEmpty()) throw new IllegalArgumentException("at least one scratch register is needed");
    }

    public boolean isCalleeSaved(int reg) {
        return calleeSaved.contains(reg);
    }

    public Set<Integer> callerSavedSet() {
        return Set.copyOf(callerSaved);
    }
}
