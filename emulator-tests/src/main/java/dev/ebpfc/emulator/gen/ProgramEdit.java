package dev.ebpfc.emulator.gen;

import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Program;

import java.util.ArrayList;
import java.util.List;

/// Edits a program by instruction index and re-encodes every branch, local call and `lddw func`
/// so it still names the same instruction (or, when that instruction was removed, the one that
/// now stands in its place). Returns null when the edit cannot be encoded (a target past the end,
/// an offset beyond 16 bits); whether the result passes the static check is the caller's question.
public final class ProgramEdit {
    private ProgramEdit() {
    }

    /// The program without instructions `from` (inclusive) to `to` (exclusive).
    public static Program remove(Program p, int from, int to) {
        int n = p.size();
        int[] target = targets(p);
        if (target == null) return null;
        int removed = to - from;
        List<Insn> insns = new ArrayList<>(n - removed);
        List<Integer> targets = new ArrayList<>(n - removed);
        for (int i = 0; i < n; i++) {
            if (i >= from && i < to) continue;
            insns.add(p.get(i));
            int t = target[i];
            targets.add(t < 0 ? -1 : t < from ? t : t < to ? from : t - removed);
        }
        return encode(insns, targets);
    }

    /// The program with instruction `index` replaced by `insn` (whose own target, if any, is
    /// ignored: the old instruction's target is kept).
    public static Program replace(Program p, int index, Insn insn) {
        int[] target = targets(p);
        if (target == null) return null;
        List<Insn> insns = new ArrayList<>(p.insns());
        insns.set(index, insn);
        List<Integer> targets = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) targets.add(i == index && !Program.hasTarget(insn) ? -1 : target[i]);
        return encode(insns, targets);
    }

    /// The instruction index each instruction names, -1 for none; null when one names no instruction.
    private static int[] targets(Program p) {
        int[] t = new int[p.size()];
        for (int i = 0; i < p.size(); i++) {
            t[i] = -1;
            if (!Program.hasTarget(p.get(i))) continue;
            t[i] = p.indexAtSlot(p.branchTarget(i));
            if (t[i] < 0) return null;
        }
        return t;
    }

    private static Program encode(List<Insn> insns, List<Integer> targets) {
        int n = insns.size();
        int[] slot = new int[n + 1];
        for (int i = 0; i < n; i++) slot[i + 1] = slot[i] + insns.get(i).slots();
        List<Insn> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int t = targets.get(i);
            Insn insn = insns.get(i);
            if (t < 0) {
                out.add(insn);
                continue;
            }
            if (t >= n) return null;
            int off = slot[t] - (slot[i] + 1);
            Insn moved = retarget(insn, off);
            if (moved == null) return null;
            out.add(moved);
        }
        return new Program(out);
    }

    private static Insn retarget(Insn insn, int off) {
        boolean fits = off == (short) off;
        return switch (insn) {
            case Insn.Jump j -> fits ? new Insn.Jump(j.width(), j.cond(), j.dst(), j.src(), (short) off) : null;
            case Insn.Goto g -> g.wide() || fits ? new Insn.Goto(off, g.wide()) : null;
            case Insn.Call c when c.kind() == CallKind.LOCAL -> new Insn.Call(CallKind.LOCAL, off);
            case Insn.LoadImm64 l when l.source() == LddwSource.FUNC -> new Insn.LoadImm64(l.dst(), l.source(), off, l.nextImm());
            default -> insn;
        };
    }
}
