package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Operand;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.runtime.helpers.Helper;
import dev.ebpfc.runtime.helpers.HelperProfile;

import java.util.function.IntUnaryOperator;

/// Which registers each instruction reads and writes, as bit masks (bit n = rn), and the two
/// dataflow problems the lifter needs over a [SlotCfg]:
/// - **liveness** at the function entry: the argument registers the function reads before
///   writing, which become its IR parameters;
/// - **must-init**: the registers set on every path to each instruction. Reading one that is not
///   is an error (as in the kernel verifier and the runtime's static check); calls leave r1–r5
///   unset, so the lifter never carries their old values across a call.
///
/// A call reads exactly its arguments: a helper's are those of its prototype in the runtime
/// ([Helper#arity], [#helperArgs]), a local call's are the callee's live-in registers (so
/// liveness runs to a fixpoint over the functions).
final class RegisterFlow {
    static final int R0 = 1, R10 = 1 << 10, ARGS = 0b11_1110;

    private final Program program;
    private final HelperProfile profile;
    /// The live-in argument registers of the function starting at a slot.
    private final IntUnaryOperator calleeLiveIn;

    RegisterFlow(Program program, HelperProfile profile, IntUnaryOperator calleeLiveIn) {
        this.program = program;
        this.profile = profile;
        this.calleeLiveIn = calleeLiveIn;
    }

    static int bit(Reg r) {
        return 1 << r.number();
    }

    private static int bit(Operand o) {
        return o instanceof Reg r ? bit(r) : 0;
    }

    /// How many argument registers a call of helper `id` always passes: its prototype's fixed
    /// arguments ([Helper#arity]); 0 for a helper the profile does not have (the call passes r1..
    /// as far as registers are set, [#helperVariadic], which is all a program can have meant).
    static int helperArgs(HelperProfile profile, long id) {
        Helper h = profile.get(id);
        return h == null ? 0 : h.arity();
    }

    /// Whether a call of helper `id` also passes the registers after the fixed ones that are set:
    /// for variadic helpers (`trace_printk`) and unknown ones.
    static boolean helperVariadic(HelperProfile profile, long id) {
        Helper h = profile.get(id);
        return h == null || h.variadic();
    }

    /// r1..rn.
    static int firstArgs(int n) {
        return ((1 << n) - 1) << 1;
    }

    /// Registers instruction `i` must find set.
    int uses(int i) {
        return switch (program.get(i)) {
            case Insn.Alu a -> (a.op() == AluOp.MOV || a.op().isMovsx() ? 0 : bit(a.dst())) | bit(a.src());
            case Insn.Endian e -> bit(e.dst());
            case Insn.Load l -> bit(l.base());
            case Insn.Store s -> bit(s.base()) | bit(s.value());
            case Insn.Atomic a -> bit(a.base()) | bit(a.src()) | (a.op() == AtomicOp.CMPXCHG ? R0 : 0);
            case Insn.LoadImm64 l -> 0;
            case Insn.LoadPacket lp -> lp.index() == null ? 0 : bit(lp.index());
            case Insn.Jump j -> bit(j.dst()) | bit(j.src());
            case Insn.Goto g -> 0;
            case Insn.Call c -> switch (c.kind()) {
                case HELPER -> firstArgs(helperArgs(profile, c.imm()));
                case LOCAL -> calleeLiveIn.applyAsInt(program.branchTarget(i));
                case KFUNC -> 0;
            };
            case Insn.CallIndirect c -> bit(c.target());
            case Insn.Exit e -> R0;
        };
    }

    /// Registers instruction `insn` writes (a call's r0; its clobbering of r1–r5 is [#clobbers]).
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

    /// Whether the instruction leaves r1–r5 undefined: calls, and the legacy packet loads, which
    /// Linux implements as calls.
    static boolean clobbers(Insn insn) {
        return insn instanceof Insn.Call || insn instanceof Insn.CallIndirect || insn instanceof Insn.LoadPacket;
    }

    /// The set registers after `insn`, given those set before.
    static int transfer(Insn insn, int in) {
        return (clobbers(insn) ? in & ~ARGS : in) | defs(insn);
    }

    /// Registers read before being written on some path from the function entry.
    int liveIn(SlotCfg cfg) {
        int n = cfg.blocks.size();
        int[] in = new int[n];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int k = cfg.rpo.length - 1; k >= 0; k--) {
                SlotCfg.SlotBlock b = cfg.blocks.get(cfg.rpo[k]);
                int live = 0;
                for (int s : b.succs) live |= in[s];
                for (int i = b.last; i >= b.first; i--) {
                    Insn insn = program.get(i);
                    int killed = defs(insn) | (clobbers(insn) ? ARGS : 0);
                    live = (live & ~killed) | uses(i);
                }
                if (live != in[b.index]) {
                    in[b.index] = live;
                    changed = true;
                }
            }
        }
        return in[0];
    }

    /// The registers set on entry to each block, given those set at the function entry; throws
    /// at the first instruction (in slot order) that reads a register not set on every path.
    int[] mustInit(SlotCfg cfg, int entry) {
        int n = cfg.blocks.size();
        int[] in = new int[n];
        boolean[] seen = new boolean[n];
        in[0] = entry;
        seen[0] = true;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int b : cfg.rpo) {
                if (!seen[b]) continue;
                SlotCfg.SlotBlock blk = cfg.blocks.get(b);
                int out = in[b];
                for (int i = blk.first; i <= blk.last; i++) out = transfer(program.get(i), out);
                for (int s : blk.succs) {
                    int merged = seen[s] ? in[s] & out : out;
                    if (s == 0) merged &= entry;
                    if (!seen[s] || merged != in[s]) {
                        seen[s] = true;
                        in[s] = merged;
                        changed = true;
                    }
                }
            }
        }
        for (SlotCfg.SlotBlock blk : cfg.blocks) {
            int set = in[blk.index];
            for (int i = blk.first; i <= blk.last; i++) {
                Insn insn = program.get(i);
                int missing = uses(i) & ~set;
                if (missing != 0) {
                    int r = Integer.numberOfTrailingZeros(missing);
                    String why = insn instanceof Insn.Call c && c.kind() == CallKind.LOCAL
                            ? "r" + r + " is an argument of the called function but is not set on every path here (" + insn + ")"
                            : "reads r" + r + ", which is not set on every path here (" + insn + ")";
                    throw LiftException.invalid(program.slot(i), why);
                }
                if ((defs(insn) & R10) != 0) throw LiftException.invalid(program.slot(i), "frame pointer is read only (" + insn + ")");
                set = transfer(insn, set);
            }
        }
        return in;
    }
}
