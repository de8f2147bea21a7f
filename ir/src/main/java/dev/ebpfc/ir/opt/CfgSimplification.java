package dev.ebpfc.ir.opt;

import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Value;

import java.util.ArrayList;
import java.util.List;

/// Control-flow graph simplification (`simplify-cfg`), repeated until nothing changes:
/// - **branch folding**: a branch on two constants, on one value against itself (for conditions
///   that do not depend on it), or whose two edges are the same (target and arguments) becomes a
///   jump;
/// - **jump threading**: an edge into a block that only jumps on (or only branches on one of its
///   parameters, when the edge passes a constant for it) goes straight to where that block would
///   go, with the block's parameters replaced by the edge's arguments. The block's parameters
///   must be used only by its terminator, and it may hold nothing but constants used only there;
///   values the terminator uses from elsewhere dominate the block, hence every predecessor, so
///   the new edge is well formed;
/// - **block merging**: a block whose only predecessor jumps to it (and to nothing else) is
///   appended to that predecessor, its parameters replaced by the jump's arguments;
/// - **unreachable blocks** are removed.
final class CfgSimplification implements Pass {
    @Override
    public String name() {
        return "simplify-cfg";
    }

    @Override
    public void run(Module module, PassContext context) {
        for (Function f : module.functions()) run(f, context);
    }

    private static void run(Function f, PassContext context) {
        long folded = 0, threaded = 0, merged = 0, removed = 0;
        boolean changed = true;
        while (changed) {
            changed = false;
            removed += Rewrite.removeUnreachableBlocks(f);
            for (Block b : f.blocks()) {
                if (foldBranch(b)) {
                    folded++;
                    changed = true;
                }
            }
            for (Block b : f.blocks()) {
                int n = thread(f, b);
                threaded += n;
                changed |= n > 0;
            }
            for (Block b : List.copyOf(f.blocks())) {
                if (b.function() != null && merge(f, b)) {
                    merged++;
                    changed = true;
                }
            }
        }
        context.count("simplify-cfg.folded", folded);
        context.count("simplify-cfg.threaded", threaded);
        context.count("simplify-cfg.merged", merged);
        context.count("simplify-cfg.removed", removed);
    }

    // ---- branch folding -------------------------------------------------------------------------

    private static boolean foldBranch(Block b) {
        Inst t = b.terminator();
        if (!(t.op() instanceof Branch br)) return false;
        Boolean taken = decide(br.cond(), br.width(), br.a(), br.b());
        if (taken == null && br.ifTrue().equals(br.ifFalse())) taken = true;
        if (taken == null) return false;
        t.setOp(new Jump(taken ? br.ifTrue() : br.ifFalse()));
        return true;
    }

    /// Whether `a cond b` holds, when that is known without running: both constants, or the same
    /// value on both sides (every condition but `jset` then has one answer).
    static Boolean decide(Cond cond, dev.ebpfc.frontend.insn.Width width, Value a, Value b) {
        Const x = a.asConst(), y = b.asConst();
        if (x != null && y != null) return cond.test(x.value(), y.value(), width);
        if (a == b && cond != Cond.JSET) return cond.test(0, 0, width);
        return null;
    }

    // ---- jump threading -------------------------------------------------------------------------

    /// Redirects the edges into `b` that can skip it; returns how many. Besides its terminator
    /// `b` may hold constants used only inside it (the constant a flag is compared with).
    private static int thread(Function f, Block b) {
        if (b == f.entry() || !onlyTerminatorUsesParams(b)) return 0;
        Inst t = b.terminator();
        for (Inst i : b.instructions()) {
            if (i == t) continue;
            if (!(i.op() instanceof Const)) return 0;
            for (Inst u : i.result().users()) if (u.block() != b) return 0;
        }
        Instruction op = t.op();
        if (!(op instanceof Jump) && !(op instanceof Branch)) return 0;
        int n = 0;
        for (Inst caller : b.distinctCallers()) {
            Instruction before = caller.op();
            Instruction after = before.mapBlockCalls(c -> c.target() == b ? skip(b, op, c) : c);
            if (!after.equals(before)) {
                caller.setOp(after);
                n++;
            }
        }
        return n;
    }

    /// Where edge `c` into `b` (whose terminator is `op`) goes instead, or `c` itself.
    private static BlockCall skip(Block b, Instruction op, BlockCall c) {
        BlockCall next = switch (op) {
            case Jump(BlockCall t) -> t;
            case Branch br -> {
                Boolean taken = decide(br.cond(), br.width(), substitute(b, c, br.a()), substitute(b, c, br.b()));
                yield taken == null ? null : taken ? br.ifTrue() : br.ifFalse();
            }
            default -> null;
        };
        // Never thread a block into itself (an empty infinite loop), nor pass its constants on.
        if (next == null || next.target() == b) return c;
        for (Value v : next.args()) if (!v.isParam() && v.definingBlock() == b) return c;
        return next.mapArgs(v -> substitute(b, c, v));
    }

    /// `v` as seen on edge `c` into `b`: a parameter of `b` is the argument the edge passes.
    private static Value substitute(Block b, BlockCall c, Value v) {
        if (v.definingParamBlock() != b) return v;
        return c.args().get(b.params().indexOf(v));
    }

    private static boolean onlyTerminatorUsesParams(Block b) {
        Inst t = b.terminator();
        for (Value p : b.params()) {
            for (Inst u : p.users()) if (u != t) return false;
        }
        return true;
    }

    // ---- block merging --------------------------------------------------------------------------

    /// Appends `b`'s single successor to it when `b` is that block's only way in.
    private static boolean merge(Function f, Block b) {
        Inst t = b.terminator();
        if (!(t.op() instanceof Jump(BlockCall c))) return false;
        Block s = c.target();
        if (s == b || s == f.entry() || s.distinctCallers().size() != 1) return false;
        // The arguments must be able to stand for the parameters everywhere they are used.
        List<Value> params = new ArrayList<>(s.params());
        List<Value> args = c.args();
        for (int k = 0; k < params.size(); k++) {
            Value p = params.get(k), a = args.get(k);
            if (p.type() != a.type() && !Rewrite.retype(p, a.type())) return false;
        }
        for (int k = 0; k < params.size(); k++) params.get(k).replaceAllUsesWith(args.get(k));
        t.remove();
        for (int k = params.size() - 1; k >= 0; k--) s.removeParam(k);
        for (Inst i : List.copyOf(s.instructions())) {
            i.remove();
            b.append(i);
        }
        f.removeBlock(s);
        return true;
    }
}
