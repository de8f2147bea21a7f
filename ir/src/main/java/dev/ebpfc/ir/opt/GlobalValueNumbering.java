package dev.ebpfc.ir.opt;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.analysis.DominatorTree;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/// Global value numbering (`gvn`) over the dominator tree: a pure instruction computing what an
/// instruction in a dominating position already computed is replaced by that one's result.
///
/// The key is the [Instruction] record itself — records compare by value with operands by
/// identity, so two `add v1, v2` are equal and an `add v1, v3` is not — after normalising
/// commutative operations (operands ordered by value id; a comparison's operands ordered and its
/// condition swapped to match). The table is scoped: walking the tree in preorder, a block sees
/// the entries of its dominators only, and what it added is dropped when the walk leaves it.
/// Only pure instructions take part (no loads: memory is the business of the load/store passes).
final class GlobalValueNumbering implements Pass {
    @Override
    public String name() {
        return "gvn";
    }

    @Override
    public void run(Module module, PassContext context) {
        for (Function f : module.functions()) run(f, context);
    }

    private static void run(Function f, PassContext context) {
        Rewrite.removeUnreachableBlocks(f);
        DominatorTree dom = DominatorTree.of(f);
        Map<Instruction, Value> table = new HashMap<>();
        // An explicit stack: the dominator tree of a long program is deeper than Java's stack.
        List<Block> stack = new ArrayList<>();
        List<List<Instruction>> added = new ArrayList<>();
        List<Integer> next = new ArrayList<>();
        stack.add(f.entry());
        added.add(number(f.entry(), table, context));
        next.add(0);
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            List<Block> kids = dom.children(stack.get(top));
            int i = next.get(top);
            if (i < kids.size()) {
                next.set(top, i + 1);
                Block k = kids.get(i);
                stack.add(k);
                added.add(number(k, table, context));
                next.add(0);
            } else {
                for (Instruction key : added.get(top)) table.remove(key);
                stack.removeLast();
                added.removeLast();
                next.removeLast();
            }
        }
    }

    /// Replaces the redundant instructions of `b`; returns the keys it entered in the table.
    private static List<Instruction> number(Block b, Map<Instruction, Value> table, PassContext context) {
        List<Instruction> added = new ArrayList<>();
        long removed = 0;
        for (Inst i : List.copyOf(b.instructions())) {
            Value r = i.result();
            if (r == null || !i.op().isPure()) continue;
            Instruction key = normalise(i.op());
            Value seen = table.get(key);
            if (seen != null && seen.type() == r.type() && Rewrite.replace(r, seen)) {
                i.remove();
                removed++;
            } else if (seen == null) {
                table.put(key, r);
                added.add(key);
            }
        }
        context.count("gvn.removed", removed);
        return added;
    }

    /// `op` with commutative operands in a fixed order.
    static Instruction normalise(Instruction op) {
        return switch (op) {
            case Binary(var o, Value a, Value b) when o.commutative && a.id() > b.id() -> new Binary(o, b, a);
            case Cmp(var c, var w, Value a, Value b) when a.id() > b.id() -> new Cmp(c.swap(), w, b, a);
            default -> op;
        };
    }
}
