package dev.ebpfc.ir.analysis;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.BlockCall;
import org.eclipse.collections.impl.map.mutable.primitive.IntIntHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/// The control-flow graph of a function as it was when built: successors and predecessors of each
/// block (each neighbour once, in edge order), the blocks reachable from the entry in reverse
/// postorder, and which blocks are unreachable. Only a block's final terminator makes edges, and
/// only to blocks in the function's layout; the checker reports anything else.
public final class Cfg {
    private final Function function;
    private final IntObjectHashMap<List<Block>> succs = new IntObjectHashMap<>();
    private final IntObjectHashMap<List<Block>> preds = new IntObjectHashMap<>();
    private final List<Block> rpo;
    /// Block id → position in `rpo`; absent for unreachable blocks.
    private final IntIntHashMap rpoIndex = new IntIntHashMap();

    private Cfg(Function f) {
        this.function = f;
        for (Block b : f.blocks()) preds.put(b.id(), new ArrayList<>(2));
        for (Block b : f.blocks()) {
            List<Block> out = new ArrayList<>(2);
            Inst t = b.terminator();
            if (t != null) {
                for (BlockCall c : t.op().blockCalls()) {
                    Block target = c.target();
                    if (target.function() != f || out.contains(target)) continue;
                    out.add(target);
                    preds.get(target.id()).add(b);
                }
            }
            succs.put(b.id(), out);
        }
        rpo = f.blocks().isEmpty() ? List.of() : computeRpo(f.entry());
        for (int i = 0; i < rpo.size(); i++) rpoIndex.put(rpo.get(i).id(), i);
    }

    public static Cfg of(Function f) {
        return new Cfg(f);
    }

    public Function function() {
        return function;
    }

    /// Depth-first from the entry, iteratively (programs can nest deeper than the Java stack).
    private List<Block> computeRpo(Block entry) {
        List<Block> post = new ArrayList<>();
        IntIntHashMap visited = new IntIntHashMap();
        List<Block> stack = new ArrayList<>();
        List<Integer> next = new ArrayList<>();
        stack.add(entry);
        next.add(0);
        visited.put(entry.id(), 1);
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            Block b = stack.get(top);
            List<Block> out = succs.get(b.id());
            int i = next.get(top);
            if (i < out.size()) {
                next.set(top, i + 1);
                Block s = out.get(i);
                if (!visited.containsKey(s.id())) {
                    visited.put(s.id(), 1);
                    stack.add(s);
                    next.add(0);
                }
            } else {
                post.add(b);
                stack.removeLast();
                next.removeLast();
            }
        }
        Collections.reverse(post);
        return post;
    }

    public List<Block> successors(Block b) {
        return Collections.unmodifiableList(succs.get(b.id()));
    }

    /// Predecessors of `b`, reachable or not.
    public List<Block> predecessors(Block b) {
        return Collections.unmodifiableList(preds.get(b.id()));
    }

    /// Blocks reachable from the entry, each before its successors except along back edges.
    public List<Block> reversePostorder() {
        return Collections.unmodifiableList(rpo);
    }

    public List<Block> postorder() {
        return rpo.reversed();
    }

    public boolean isReachable(Block b) {
        return rpoIndex.containsKey(b.id());
    }

    /// Position of `b` in reverse postorder, or -1 if unreachable.
    public int rpoNumber(Block b) {
        return rpoIndex.getIfAbsent(b.id(), -1);
    }

    /// Blocks in layout order that the entry cannot reach.
    public List<Block> unreachableBlocks() {
        List<Block> out = new ArrayList<>();
        for (Block b : function.blocks()) {
            if (!isReachable(b)) out.add(b);
        }
        return out;
    }
}
