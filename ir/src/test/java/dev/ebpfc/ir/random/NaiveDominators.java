package dev.ebpfc.ir.random;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/// Dominators by the textbook O(n²) dataflow, written independently of `dev.ebpfc.ir.analysis`
/// to serve as its oracle: `Dom(entry) = {entry}`, `Dom(n) = {n} ∪ ⋂ Dom(p)` over reachable
/// predecessors, iterated from "all blocks" until nothing changes. Blocks are indexed by layout
/// position; edges come straight from the terminators.
final class NaiveDominators {
    final List<Block> blocks;
    final boolean[] reachable;
    final BitSet[] dom;
    final List<List<Integer>> preds = new ArrayList<>();

    NaiveDominators(Function f) {
        blocks = f.blocks();
        int n = blocks.size();
        for (int i = 0; i < n; i++) preds.add(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            for (Block s : blocks.get(i).successors()) {
                int j = blocks.indexOf(s);
                if (!preds.get(j).contains(i)) preds.get(j).add(i);
            }
        }
        reachable = new boolean[n];
        List<Integer> work = new ArrayList<>(List.of(0));
        reachable[0] = true;
        while (!work.isEmpty()) {
            int i = work.removeLast();
            for (Block s : blocks.get(i).successors()) {
                int j = blocks.indexOf(s);
                if (!reachable[j]) {
                    reachable[j] = true;
                    work.add(j);
                }
            }
        }
        dom = new BitSet[n];
        for (int i = 0; i < n; i++) {
            dom[i] = new BitSet();
            if (i == 0) dom[i].set(0);
            else dom[i].set(0, n);
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = 1; i < n; i++) {
                if (!reachable[i]) continue;
                BitSet d = new BitSet();
                d.set(0, n);
                for (int p : preds.get(i)) {
                    if (reachable[p]) d.and(dom[p]);
                }
                d.set(i);
                if (!d.equals(dom[i])) {
                    dom[i] = d;
                    changed = true;
                }
            }
        }
    }

    boolean dominates(int a, int b) {
        return reachable[a] && reachable[b] && dom[b].get(a);
    }

    /// The strict dominator of `b` that all its other strict dominators dominate, or -1.
    int idom(int b) {
        if (!reachable[b] || b == 0) return -1;
        int best = -1;
        for (int a = dom[b].nextSetBit(0); a >= 0; a = dom[b].nextSetBit(a + 1)) {
            if (a != b && (best < 0 || dom[a].cardinality() > dom[best].cardinality())) best = a;
        }
        return best;
    }

    /// By definition: `y` is in `DF(x)` if `x` dominates a predecessor of `y` but does not
    /// strictly dominate `y`.
    boolean inFrontier(int x, int y) {
        if (!reachable[x] || !reachable[y]) return false;
        boolean strict = x != y && dominates(x, y);
        if (strict) return false;
        for (int p : preds.get(y)) {
            if (reachable[p] && dominates(x, p)) return true;
        }
        return false;
    }
}
