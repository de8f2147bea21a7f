package dev.ebpfc.frontend.insn;

import java.util.Arrays;
import java.util.List;

/// A sequence of instructions addressed by 64-bit slot, as jumps count them (an `lddw` takes two
/// slots). Immutable. `slot(i)` is where instruction `i` starts; `indexAtSlot(s)` is the
/// instruction starting at slot `s`, or -1 when `s` is the second half of an `lddw` or outside.
public final class Program {
    private final Insn[] insns;
    private final int[] slotOfIndex;
    private final int[] indexOfSlot;

    public Program(List<? extends Insn> insns) {
        this.insns = insns.toArray(new Insn[0]);
        this.slotOfIndex = new int[this.insns.length];
        int slots = 0;
        for (int i = 0; i < this.insns.length; i++) {
            slotOfIndex[i] = slots;
            slots += this.insns[i].slots();
        }
        this.indexOfSlot = new int[slots];
        Arrays.fill(indexOfSlot, -1);
        for (int i = 0; i < this.insns.length; i++) indexOfSlot[slotOfIndex[i]] = i;
    }

    public int size() {
        return insns.length;
    }

    public int slotCount() {
        return indexOfSlot.length;
    }

    public Insn get(int index) {
        return insns[index];
    }

    public Insn atSlot(int slot) {
        int i = indexAtSlot(slot);
        return i < 0 ? null : insns[i];
    }

    public int slot(int index) {
        return slotOfIndex[index];
    }

    public int indexAtSlot(int slot) {
        return slot >= 0 && slot < indexOfSlot.length ? indexOfSlot[slot] : -1;
    }

    public List<Insn> insns() {
        return List.of(insns);
    }

    /// Whether `insn` names another slot of the program: jumps, `gotol`, local calls and
    /// function addresses.
    public static boolean hasTarget(Insn insn) {
        return switch (insn) {
            case Insn.Jump j -> true;
            case Insn.Goto g -> true;
            case Insn.Call c -> c.kind() == CallKind.LOCAL;
            case Insn.LoadImm64 l -> l.source() == LddwSource.FUNC;
            default -> false;
        };
    }

    /// The slot the instruction at `index` names (see [#hasTarget]); -1 for other instructions.
    public int branchTarget(int index) {
        int next = slotOfIndex[index] + insns[index].slots();
        return switch (insns[index]) {
            case Insn.Jump j -> next + j.offset();
            case Insn.Goto g -> next + g.offset();
            case Insn.Call c when c.kind() == CallKind.LOCAL -> next + c.imm();
            // Linux resolves BPF_PSEUDO_FUNC relative to the first slot of the lddw plus one.
            case Insn.LoadImm64 l when l.source() == LddwSource.FUNC -> slotOfIndex[index] + 1 + l.imm();
            default -> -1;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Program p && Arrays.equals(insns, p.insns);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(insns);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < insns.length; i++) sb.append(String.format("%4d: %s%n", slotOfIndex[i], insns[i]));
        return sb.toString();
    }
}
