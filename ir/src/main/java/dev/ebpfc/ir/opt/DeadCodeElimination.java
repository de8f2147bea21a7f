package dev.ebpfc.ir.opt;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Value;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;

/// Dead code elimination (`dce`): removes unreachable blocks, pure instructions whose results
/// nothing live uses, and block parameters nothing live uses together with the arguments every
/// edge passes them.
///
/// Liveness is by marking, not by counting uses, so dead cycles go too (a loop counter only
/// feeding itself around a loop). Roots are the instructions with effects — memory, calls,
/// possible traps — and terminators; a live instruction makes its operands live, except that an
/// edge argument is live only if the parameter it feeds is. Entry parameters are the function's
/// signature and stay.
final class DeadCodeElimination implements Pass {
    @Override
    public String name() {
        return "dce";
    }

    @Override
    public void run(Module module, PassContext context) {
        for (Function f : module.functions()) {
            context.count("dce.blocks", Rewrite.removeUnreachableBlocks(f));
            run(f, context);
        }
    }

    private static void run(Function f, PassContext context) {
        // The edges into each block, gathered once: marking does not change terminators.
        @SuppressWarnings("unchecked")
        List<BlockCall>[] edgesInto = new List[f.blockIdBound()];
        for (Block b : f.blocks()) edgesInto[b.id()] = new java.util.ArrayList<>(2);
        for (Block b : f.blocks()) {
            for (BlockCall c : b.terminator().op().blockCalls()) edgesInto[c.target().id()].add(c);
        }
        BitSet live = new BitSet(f.valueIdBound());
        ArrayDeque<Value> work = new ArrayDeque<>();
        for (Block b : f.blocks()) {
            for (Inst i : b.instructions()) {
                if (Rewrite.removableIfUnused(i)) continue;
                for (Value v : nonEdgeOperands(i.op())) mark(v, live, work);
                if (i.result() != null) mark(i.result(), live, work);
            }
        }
        for (Value p : f.entry().params()) mark(p, live, work);
        while (!work.isEmpty()) {
            Value v = work.poll();
            Inst def = v.definingInst();
            if (def != null) {
                for (Value o : def.op().operands()) mark(o, live, work);
                continue;
            }
            Block b = v.definingParamBlock();
            int k = b.params().indexOf(v);
            for (BlockCall c : edgesInto[b.id()]) mark(c.args().get(k), live, work);
        }
        long insts = 0, params = 0;
        for (Block b : f.blocks()) {
            if (b != f.entry()) {
                for (int k = b.params().size() - 1; k >= 0; k--) {
                    if (!live.get(b.params().get(k).id())) {
                        b.removeParam(k);
                        params++;
                    }
                }
            }
            List<Inst> list = b.instructions();
            for (int k = list.size() - 1; k >= 0; k--) {
                Inst i = list.get(k);
                if (i.result() != null && !live.get(i.result().id()) && Rewrite.removableIfUnused(i)) {
                    i.remove();
                    insts++;
                }
            }
        }
        context.count("dce.instructions", insts);
        context.count("dce.params", params);
    }

    private static void mark(Value v, BitSet live, ArrayDeque<Value> work) {
        if (!live.get(v.id())) {
            live.set(v.id());
            work.add(v);
        }
    }

    /// The operands of `op` other than edge arguments (a terminator's condition, return value…).
    private static List<Value> nonEdgeOperands(Instruction op) {
        if (!(op instanceof Instruction.Terminator t)) return op.operands();
        return switch (t) {
            case Instruction.Jump _, Instruction.Trap _ -> List.of();
            case Instruction.Branch br -> List.of(br.a(), br.b());
            case Instruction.TailCall tc -> List.of(tc.ctx(), tc.map(), tc.index());
            case Instruction.Return r -> List.of(r.value());
        };
    }
}
