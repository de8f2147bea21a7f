package dev.ebpfc.runtime.interp;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.TreeSet;

/// A small static pre-check, run before interpreting (the real verifier lives in `ir`). It rejects,
/// with a kernel-like one-line message naming the slot: reads of registers not initialised on
/// every path (forward must-init dataflow over the slot CFG of each function), writes to r10,
/// control falling off the end of the program or of a function, and jumps into another function.
/// Unreachable code is fine.
///
/// Initialised at the program entry: r1, r2 (conformance convention: r2 = length) and r10; at a
/// local function's entry: r1–r5 and r10. After any call r0 is set and r1–r5 are not.
public final class StaticCheck {
    private static final int R0 = 1, R10 = 1 << 10, ARGS = 0b111110;

    private StaticCheck() {
    }

    /// The rejection message, or null when the program passes.
    public static String check(Program p) {
        int n = p.size();
        if (n == 0) return "slot 0: empty program";
        TreeSet<Integer> entries = new TreeSet<>();
        entries.add(0);
        for (int i = 0; i < n; i++) {
            Insn insn = p.get(i);
            if ((insn instanceof Insn.Call c && c.kind() == CallKind.LOCAL)
                    || (insn instanceof Insn.LoadImm64 l && l.source() == LddwSource.FUNC)) {
                int t = p.branchTarget(i);
                if (p.indexAtSlot(t) < 0) return "slot " + p.slot(i) + ": call to slot " + t + ", which is no instruction";
                entries.add(t);
            }
        }
        int[] in = new int[n];
        boolean[] seen = new boolean[n];
        ArrayDeque<Integer> work = new ArrayDeque<>();
        for (int e : entries) {
            int idx = p.indexAtSlot(e);
            in[idx] = e == 0 ? (1 << 1 | 1 << 2 | R10) : (ARGS | R10);
            seen[idx] = true;
            work.add(idx);
        }
        // Structural checks and the fixpoint together; register reads are judged afterwards, on
        // the final states (which only shrink, so the first failing slot is well defined).
        while (!work.isEmpty()) {
            int i = work.poll();
            Insn insn = p.get(i);
            int slot = p.slot(i);
            int fnStart = entries.floor(slot);
            Integer nextFn = entries.higher(slot);
            int fnEnd = nextFn == null ? p.slotCount() : nextFn;
            if ((defs(insn) & R10) != 0) return "slot " + slot + ": frame pointer is read only (" + insn + ")";
            int out = transfer(insn, in[i]);
            int next = slot + insn.slots();
            boolean falls = !(insn instanceof Insn.Exit) && !(insn instanceof Insn.Goto);
            if (falls && next >= fnEnd) {
                return next >= p.slotCount() ? "slot " + slot + ": falls off the end of the program (last instruction is not exit or jump)"
                        : "slot " + slot + ": falls through into the function at slot " + next;
            }
            int[] succ = falls ? new int[]{next} : new int[0];
            if (insn instanceof Insn.Jump || insn instanceof Insn.Goto) {
                int t = p.branchTarget(i);
                if (t < fnStart || t >= fnEnd) return "slot " + slot + ": jump out of its function to slot " + t;
                succ = Arrays.copyOf(succ, succ.length + 1);
                succ[succ.length - 1] = t;
            }
            for (int s : succ) {
                int j = p.indexAtSlot(s);
                if (j < 0) return "slot " + slot + ": jump to slot " + s + ", which is no instruction";
                int merged = seen[j] ? in[j] & out : out;
                if (!seen[j] || merged != in[j]) {
                    seen[j] = true;
                    in[j] = merged;
                    work.add(j);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (!seen[i]) continue;
            int missing = uses(p.get(i)) & ~in[i];
            if (missing != 0) {
                int r = Integer.numberOfTrailingZeros(missing);
                return "slot " + p.slot(i) + ": R" + r + " !read_ok (" + p.get(i) + ")";
            }
        }
        return null;
    }

    private static int bit(Reg r) {
        return 1 << r.number();
    }

    private static int bit(dev.ebpfc.frontend.insn.Operand o) {
        return o instanceof Reg r ? bit(r) : 0;
    }

    /// Registers the instruction reads.
    static int uses(Insn insn) {
        return switch (insn) {
            case Insn.Alu a -> (a.op() == AluOp.MOV || a.op().isMovsx() ? 0 : bit(a.dst())) | bit(a.src());
            case Insn.Endian e -> bit(e.dst());
            case Insn.Load l -> bit(l.base());
            case Insn.Store s -> bit(s.base()) | bit(s.value());
            case Insn.Atomic a -> bit(a.base()) | bit(a.src()) | (a.op() == AtomicOp.CMPXCHG ? R0 : 0);
            case Insn.LoadImm64 l -> 0;
            // Linux takes the skb from r6 implicitly.
            case Insn.LoadPacket lp -> (1 << 6) | (lp.index() == null ? 0 : bit(lp.index()));
            case Insn.Jump j -> bit(j.dst()) | bit(j.src());
            case Insn.Goto g -> 0;
            case Insn.Call c -> 0;
            case Insn.CallIndirect c -> bit(c.target());
            case Insn.Exit e -> R0;
        };
    }

    /// Registers the instruction writes (calls: r0; their clobbering of r1–r5 is in [#transfer]).
    static int defs(Insn insn) {
        return switch (insn) {
            case Insn.Alu a -> bit(a.dst());
            case Insn.Endian e -> bit(e.dst());
            case Insn.Load l -> bit(l.dst());
            case Insn.Store s -> 0;
            case Insn.Atomic a -> a.fetch() ? (a.op() == AtomicOp.CMPXCHG ? R0 : bit(a.src())) : 0;
            case Insn.LoadImm64 l -> bit(l.dst());
            case Insn.LoadPacket lp -> R0;
            case Insn.Jump j -> 0;
            case Insn.Goto g -> 0;
            case Insn.Call c -> R0;
            case Insn.CallIndirect c -> R0;
            case Insn.Exit e -> 0;
        };
    }

    static int transfer(Insn insn, int in) {
        boolean call = insn instanceof Insn.Call || insn instanceof Insn.CallIndirect || insn instanceof Insn.LoadPacket;
        return ((call ? in & ~ARGS : in) | defs(insn));
    }
}
