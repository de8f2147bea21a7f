package dev.ebpfc.ir.analysis;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/// Dominators of the reachable blocks, by the iterative algorithm of Cooper, Harvey and Kennedy
/// ("A Simple, Fast Dominance Algorithm", 2001): immediate dominators refined in reverse
/// postorder until stable, intersecting along the partial tree. The tree is then numbered in
/// preorder/postorder so `dominates` is two comparisons, and dominance frontiers are computed
/// from the join points (same paper, §4). Unreachable blocks are in no relation.
public final class DominatorTree {
    private final Cfg cfg;
    private final List<Block> rpo;
    /// Immediate dominator by reverse-postorder number; the entry is its own.
    private final int[] idom;
    private final List<List<Block>> children;
    private final int[] pre;
    private final int[] post;
    private final List<List<Block>> frontier;

    private DominatorTree(Cfg cfg) {
        this.cfg = cfg;
        this.rpo = cfg.reversePostorder();
        int n = rpo.size();
        idom = new int[n];
        computeIdoms();
        children = new ArrayList<>(n);
        for (int i = 0; i < n; i++) children.add(new ArrayList<>(2));
        for (int i = 1; i < n; i++) children.get(idom[i]).add(rpo.get(i));
        pre = new int[n];
        post = new int[n];
        number();
        frontier = computeFrontiers();
    }

    public static DominatorTree of(Function f) {
        return new DominatorTree(Cfg.of(f));
    }

    public static DominatorTree of(Cfg cfg) {
        return new DominatorTree(cfg);
    }

    public Cfg cfg() {
        return cfg;
    }

    private void computeIdoms() {
        int n = rpo.size();
        if (n == 0) return;
        java.util.Arrays.fill(idom, -1);
        idom[0] = 0;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int b = 1; b < n; b++) {
                int candidate = -1;
                for (Block p : cfg.predecessors(rpo.get(b))) {
                    int q = cfg.rpoNumber(p);
                    if (q < 0 || idom[q] < 0) continue;
                    candidate = candidate < 0 ? q : intersect(q, candidate);
                }
                if (candidate != idom[b]) {
                    idom[b] = candidate;
                    changed = true;
                }
            }
        }
    }

    /// The nearest common ancestor in the tree built so far: walk the deeper finger up. A block's
    /// dominator precedes it in reverse postorder, so "deeper" is "larger number".
    private int intersect(int a, int b) {
        while (a != b) {
            while (a > b) a = idom[a];
            while (b > a) b = idom[b];
        }
        return a;
    }

    private void number() {
        if (rpo.isEmpty()) return;
        int preCount = 0, postCount = 0;
        List<Block> stack = new ArrayList<>();
        List<Integer> next = new ArrayList<>();
        stack.add(rpo.getFirst());
        next.add(0);
        pre[0] = preCount++;
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            List<Block> kids = children.get(cfg.rpoNumber(stack.get(top)));
            int i = next.get(top);
            if (i < kids.size()) {
                next.set(top, i + 1);
                Block k = kids.get(i);
                pre[cfg.rpoNumber(k)] = preCount++;
                stack.add(k);
                next.add(0);
            } else {
                post[cfg.rpoNumber(stack.get(top))] = postCount++;
                stack.removeLast();
                next.removeLast();
            }
        }
    }

    /// For each join point, walk up from each predecessor to the join's immediate dominator;
    /// every block passed has the join in its frontier. The entry has no dominator above it, so a
    /// walk towards the entry (only in IR the checker rejects) stops after the entry itself.
    private List<List<Block>> computeFrontiers() {
        int n = rpo.size();
        List<List<Block>> df = new ArrayList<>(n);
        for (int i = 0; i < n; i++) df.add(new ArrayList<>(1));
        for (int b = 0; b < n; b++) {
            Block join = rpo.get(b);
            List<Block> preds = cfg.predecessors(join);
            if (preds.size() < 2 && b != 0) continue;
            for (Block p : preds) {
                int runner = cfg.rpoNumber(p);
                if (runner < 0) continue;
                while (b == 0 || runner != idom[b]) {
                    if (!df.get(runner).contains(join)) df.get(runner).add(join);
                    if (runner == 0) break;
                    runner = idom[runner];
                }
            }
        }
        for (List<Block> l : df) l.sort(Comparator.comparingInt(cfg::rpoNumber));
        return df;
    }

    /// The immediate dominator of `b`, or null for the entry and unreachable blocks.
    public Block idom(Block b) {
        int i = cfg.rpoNumber(b);
        return i <= 0 ? null : rpo.get(idom[i]);
    }

    /// Whether every path from the entry to `b` passes through `a` (reflexive).
    public boolean dominates(Block a, Block b) {
        int x = cfg.rpoNumber(a), y = cfg.rpoNumber(b);
        if (x < 0 || y < 0) return false;
        return pre[x] <= pre[y] && post[y] <= post[x];
    }

    public boolean strictlyDominates(Block a, Block b) {
        return a != b && dominates(a, b);
    }

    /// Blocks `b` immediately dominates, in reverse postorder.
    public List<Block> children(Block b) {
        int i = cfg.rpoNumber(b);
        return i < 0 ? List.of() : Collections.unmodifiableList(children.get(i));
    }

    /// The dominance frontier of `b`: blocks where `b`'s dominance ends, in reverse postorder.
    public List<Block> frontier(Block b) {
        int i = cfg.rpoNumber(b);
        return i < 0 ? List.of() : Collections.unmodifiableList(frontier.get(i));
    }

    /// Reachable blocks in dominator-tree preorder (every block after its dominators).
    public List<Block> preorder() {
        Block[] order = new Block[rpo.size()];
        for (int i = 0; i < rpo.size(); i++) order[pre[i]] = rpo.get(i);
        return List.of(order);
    }

    /// Depth in the tree: 0 for the entry, -1 for unreachable blocks.
    public int depth(Block b) {
        int i = cfg.rpoNumber(b);
        if (i < 0) return -1;
        int d = 0;
        while (i != 0) {
            i = idom[i];
            d++;
        }
        return d;
    }
}
