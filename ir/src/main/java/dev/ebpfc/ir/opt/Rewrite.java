package dev.ebpfc.ir.opt;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.TypeRules;
import dev.ebpfc.ir.Value;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/// Rewriting steps several passes share: replacing a value everywhere without breaking the typing
/// rules, and dropping unreachable blocks.
///
/// Replacing is where types bite. Result types follow operands ([TypeRules]): putting a
/// `ptr.stack` where a `ptr` or an `i64` was makes `add` results `ptr.stack`, and may make an
/// operation the rules refuse (`ptr + ptr`, `int - ptr`) or an edge argument no longer fit its
/// parameter. [#replace] therefore re-types everything computed from the replaced value first and
/// gives up, changing nothing, when some instruction or edge would become ill-typed.
final class Rewrite {
    private Rewrite() {
    }

    /// Makes every use of `old` use `repl` if the IR stays well typed; returns whether it did.
    static boolean replace(Value old, Value repl) {
        if (old == repl) return true;
        Type type = old.type();
        if (type != repl.type() && !retype(old, repl.type())) return false;
        old.replaceAllUsesWith(repl);
        // Unused now; a parameter keeps the type its incoming edges were checked against.
        old.setType(type);
        return true;
    }

    /// Gives `v` type `t` and re-types the results computed from it, transitively; if an
    /// instruction or an edge would become ill-typed, restores every type and returns false.
    /// Block parameters keep their types (an argument only has to fit them), so the walk ends.
    static boolean retype(Value v, Type t) {
        Map<Value, Type> was = new IdentityHashMap<>();
        was.put(v, v.type());
        v.setType(t);
        ArrayDeque<Value> work = new ArrayDeque<>();
        work.add(v);
        boolean ok = true;
        walk:
        while (!work.isEmpty()) {
            Value x = work.poll();
            for (Inst u : x.users()) {
                if (u.block() == null) continue;
                Instruction op = u.op();
                Type nt;
                try {
                    nt = TypeRules.resultType(op);
                } catch (TypeRules.TypeError e) {
                    ok = false;
                    break walk;
                }
                // A local call's callee parameter accepted the old type; a more precise one still fits.
                if ((op instanceof Instruction.CallLocal || op instanceof Instruction.CallIndirect)
                        && !x.type().isAssignableTo(was.get(x))) {
                    ok = false;
                    break walk;
                }
                for (BlockCall c : op.blockCalls()) {
                    for (int k = 0; k < c.args().size(); k++) {
                        if (c.args().get(k) == x && !x.type().isAssignableTo(c.target().params().get(k).type())) {
                            ok = false;
                            break walk;
                        }
                    }
                }
                Value r = u.result();
                if (r != null && nt != r.type()) {
                    was.putIfAbsent(r, r.type());
                    r.setType(nt);
                    work.add(r);
                }
            }
        }
        if (!ok) was.forEach(Value::setType);
        return ok;
    }

    /// Removes the blocks the entry cannot reach; returns how many.
    static int removeUnreachableBlocks(Function f) {
        BitSet seen = new BitSet(f.blockIdBound());
        ArrayDeque<Block> work = new ArrayDeque<>();
        work.add(f.entry());
        seen.set(f.entry().id());
        while (!work.isEmpty()) {
            Inst t = work.poll().terminator();
            if (t == null) continue;
            for (BlockCall c : t.op().blockCalls()) {
                if (!seen.get(c.target().id())) {
                    seen.set(c.target().id());
                    work.add(c.target());
                }
            }
        }
        if (seen.cardinality() == f.blocks().size()) return 0;
        List<Block> dead = new ArrayList<>();
        for (Block b : f.blocks()) if (!seen.get(b.id())) dead.add(b);
        // Detach every terminator first, so no removed block is still a caller of another.
        for (Block b : dead) {
            Inst t = b.terminator();
            if (t != null) t.remove();
        }
        for (Block b : dead) f.removeBlock(b);
        return dead.size();
    }

    /// Whether `inst` can be deleted when its result is unused: it only computes from its
    /// operands.
    static boolean removableIfUnused(Inst inst) {
        return inst.result() != null && inst.op().isPure();
    }

    /// The distinct instructions using `v`.
    static List<Inst> distinctUsers(Value v) {
        List<Inst> out = new ArrayList<>(v.users().size());
        for (Inst u : v.users()) if (!out.contains(u)) out.add(u);
        return out;
    }
}
