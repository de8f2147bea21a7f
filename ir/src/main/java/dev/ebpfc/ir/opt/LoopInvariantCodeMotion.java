package dev.ebpfc.ir.opt;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction.Jump;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.analysis.Cfg;
import dev.ebpfc.ir.analysis.DominatorTree;
import dev.ebpfc.ir.analysis.Loops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/// Loop-invariant code motion: a pure instruction (no memory access, cannot trap — every
/// [dev.ebpfc.ir.BinaryOp] is total under BPF semantics, so division hoists too) whose operands
/// are all defined outside a natural loop moves to the loop's preheader, innermost loops first,
/// so an invariant of several nested loops rises as far as it can. Executing it where the loop
/// might not have run is harmless for the same reason.
///
/// A preheader is the header's single predecessor outside the loop when that block jumps only to
/// the header; otherwise one is created: a block taking the header's parameters, receiving every
/// edge from outside the loop, and jumping to the header. Irreducible cycles are left alone.
public final class LoopInvariantCodeMotion implements Pass {
    @Override
    public String name() {
        return "licm";
    }

    @Override
    public void run(Module module, PassContext context) {
        for (Function f : module.functions()) {
            if (f.blocks().isEmpty()) continue;
            Loops loops = Loops.of(DominatorTree.of(f));
            if (loops.loops().isEmpty()) continue;
            // Creating preheaders changes the loops' block sets; recompute until none is missing.
            boolean created = true;
            while (created) {
                created = false;
                for (Loops.Loop l : loops.loops()) {
                    if (preheader(l) == null) {
                        createPreheader(f, l);
                        context.count("licm.preheaders", 1);
                        created = true;
                        break;
                    }
                }
                if (created) loops = Loops.of(DominatorTree.of(f));
            }
            List<Loops.Loop> innermostFirst = new ArrayList<>(loops.loops());
            innermostFirst.sort(Comparator.comparingInt(Loops.Loop::depth).reversed());
            for (Loops.Loop l : innermostFirst) context.count("licm.hoisted", hoist(l, preheader(l)));
        }
    }

    /// Moves the loop's invariant pure instructions, in reverse postorder, before `pre`'s jump.
    private static long hoist(Loops.Loop loop, Block pre) {
        long n = 0;
        Inst jump = pre.terminator();
        for (Block b : loop.blocks()) {
            for (Inst i : List.copyOf(b.instructions())) {
                if (!i.op().isPure() || i.result() == null) continue;
                boolean invariant = true;
                for (Value v : i.op().operands()) {
                    Block d = v.definingBlock();
                    if (d == null || loop.contains(d)) {
                        invariant = false;
                        break;
                    }
                }
                if (!invariant) continue;
                i.remove();
                pre.insertBefore(jump, i);
                n++;
            }
        }
        return n;
    }

    /// The loop's preheader, or null when it has none.
    private static Block preheader(Loops.Loop loop) {
        Block header = loop.header();
        Block outside = null;
        for (Block p : header.predecessors()) {
            if (loop.contains(p)) continue;
            if (outside != null) return null;
            outside = p;
        }
        if (outside == null) return null;
        Inst t = outside.terminator();
        return t != null && t.op() instanceof Jump ? outside : null;
    }

    /// A new block that every edge from outside the loop into its header now goes to, passing the
    /// header's arguments on.
    private static void createPreheader(Function f, Loops.Loop loop) {
        Block header = loop.header();
        Block pre = f.createBlock();
        f.moveAfter(pre, layoutBefore(f, header));
        List<Value> params = new ArrayList<>();
        for (Value p : header.params()) params.add(pre.addParam(p.type()));
        for (Inst caller : header.distinctCallers()) {
            if (loop.contains(caller.block())) continue;
            caller.setOp(caller.op().mapBlockCalls(c -> c.target() == header ? new BlockCall(pre, c.args()) : c));
        }
        pre.append(f.newInst(new Jump(new BlockCall(header, params))));
    }

    /// The block laid out just before `b` (so the preheader sits right above its header), or `b`
    /// when it is first.
    private static Block layoutBefore(Function f, Block b) {
        int k = f.layoutIndex(b);
        return k == 0 ? b : f.blocks().get(k - 1);
    }
}
