package dev.ebpfc.frontend.asm;

import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/// Collects the instructions of one assembly, with labels and instructions whose branch target
/// is a label (resolved once all labels are known). Offsets count 64-bit slots from the slot after
/// the branch, as RFC 9669 does, and must land on an instruction start. Shared by both assemblers.
final class ProgramBuilder {
    private record Pending(Insn insn, String label, IntFunction<Insn> make, int line) {
    }

    private final String origin;
    private final List<Pending> entries = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    private final Map<String, Integer> labelLines = new HashMap<>();
    private int slots;
    private int firstExitSlot = -1;

    ProgramBuilder(String origin) {
        this.origin = origin;
    }

    void label(String name, int line) {
        Integer previous = labelLines.putIfAbsent(name, line);
        if (previous != null) throw error(line, "duplicate label '" + name + "' (first defined on line " + previous + ")");
        labels.put(name, slots);
    }

    void add(Insn insn, int line) {
        if (insn instanceof Insn.Exit && firstExitSlot < 0) firstExitSlot = slots;
        entries.add(new Pending(insn, null, null, line));
        slots += insn.slots();
    }

    /// A one-slot branch to `label`; `make` builds it from the relative offset.
    void addBranch(String label, IntFunction<Insn> make, int line) {
        entries.add(new Pending(null, label, make, line));
        slots += 1;
    }

    /// Resolves labels; with `exitLabel`, an undefined label `exit` names the first `exit`
    /// instruction (the bpf_conformance assembler's convention). With `checkTargets` every branch
    /// must land on an instruction start (off for single instructions parsed out of context).
    Program build(boolean exitLabel, boolean checkTargets) {
        if (entries.isEmpty()) throw error(Math.max(1, lastLine()), "no instructions");
        List<Insn> out = new ArrayList<>(entries.size());
        int slot = 0;
        for (Pending p : entries) {
            Insn insn = p.insn();
            if (insn == null) {
                Integer target = labels.get(p.label());
                if (target == null && exitLabel && p.label().equals("exit") && firstExitSlot >= 0) target = firstExitSlot;
                if (target == null) throw error(p.line(), "unknown label '" + p.label() + "'");
                try {
                    insn = p.make().apply(target - (slot + 1));
                } catch (SyntaxError | IllegalArgumentException e) {
                    throw error(p.line(), "label '" + p.label() + "' is out of reach: " + e.getMessage());
                }
            }
            out.add(insn);
            slot += insn.slots();
        }
        Program program = new Program(out);
        // The same rule as the decoder's: every branch lands on an instruction start.
        for (int i = 0; checkTargets && i < program.size(); i++) {
            if (!Program.hasTarget(program.get(i))) continue;
            int target = program.branchTarget(i);
            if (target < 0 || target >= program.slotCount()) {
                throw error(entries.get(i).line(), "branch target slot " + target + " is outside the program (" + program.slotCount() + " slots)");
            }
            if (program.indexAtSlot(target) < 0) throw error(entries.get(i).line(), "branch target slot " + target + " is the second half of lddw");
        }
        return program;
    }

    private int lastLine() {
        return entries.isEmpty() ? 0 : entries.getLast().line();
    }

    AssemblerException error(int line, String reason) {
        return new AssemblerException(origin, line, reason);
    }
}
