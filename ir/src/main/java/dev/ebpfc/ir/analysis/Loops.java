package dev.ebpfc.ir.analysis;

import dev.ebpfc.ir.Block;
import org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap;
import org.eclipse.collections.impl.set.mutable.primitive.IntHashSet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/// Natural loops: a back edge is an edge whose target (the header) dominates its source (a
/// latch); the loop is the header plus every block that reaches a latch without passing through
/// the header. Loops sharing a header are one loop. Loops nest properly, so each has a parent
/// (the smallest loop containing it) and each block an innermost loop.
///
/// Retreating edges (to an earlier block in reverse postorder) that are not back edges enter a
/// cycle other than through a dominating header: such cycles are irreducible and form no natural
/// loop; they are listed so passes that need reducible control flow can refuse.
public final class Loops {

    /// One natural loop. `blocks` is in reverse postorder, header first.
    public static final class Loop {
        private final Block header;
        private final List<Block> latches = new ArrayList<>(1);
        private final List<Block> blocks = new ArrayList<>();
        private final IntHashSet ids = new IntHashSet();
        private final List<Loop> children = new ArrayList<>();
        private Loop parent;
        private int depth;

        Loop(Block header) {
            this.header = header;
        }

        public Block header() {
            return header;
        }

        /// Sources of the back edges, in reverse postorder.
        public List<Block> latches() {
            return Collections.unmodifiableList(latches);
        }

        public List<Block> blocks() {
            return Collections.unmodifiableList(blocks);
        }

        public boolean contains(Block b) {
            return ids.contains(b.id());
        }

        /// The smallest loop strictly containing this one, or null.
        public Loop parent() {
            return parent;
        }

        public List<Loop> children() {
            return Collections.unmodifiableList(children);
        }

        /// 1 for an outermost loop.
        public int depth() {
            return depth;
        }

        @Override
        public String toString() {
            return "loop " + header;
        }
    }

    private final List<Loop> loops = new ArrayList<>();
    private final IntObjectHashMap<Loop> innermost = new IntObjectHashMap<>();
    private final List<Block[]> irreducibleEdges = new ArrayList<>();

    private Loops(DominatorTree dom) {
        Cfg cfg = dom.cfg();
        IntObjectHashMap<Loop> byHeader = new IntObjectHashMap<>();
        for (Block b : cfg.reversePostorder()) {
            for (Block s : cfg.successors(b)) {
                if (dom.dominates(s, b)) {
                    Loop l = byHeader.get(s.id());
                    if (l == null) {
                        l = new Loop(s);
                        byHeader.put(s.id(), l);
                        loops.add(l);
                    }
                    l.latches.add(b);
                } else if (cfg.rpoNumber(s) <= cfg.rpoNumber(b)) {
                    irreducibleEdges.add(new Block[] {b, s});
                }
            }
        }
        for (Loop l : loops) collectBody(l, cfg);
        // Outer loops are larger; give each loop the smallest other loop containing its header.
        List<Loop> bySize = new ArrayList<>(loops);
        bySize.sort(Comparator.comparingInt((Loop l) -> l.blocks.size()));
        for (Loop l : bySize) {
            for (Loop m : bySize) {
                if (m != l && m.blocks.size() >= l.blocks.size() && m.ids.contains(l.header.id())) {
                    l.parent = m;
                    m.children.add(l);
                    break;
                }
            }
        }
        for (Loop l : loops) {
            int d = 0;
            for (Loop p = l; p != null; p = p.parent) d++;
            l.depth = d;
        }
        // Innermost loop of a block: the smallest containing it; bySize visits smallest first.
        for (Loop l : bySize) {
            for (Block b : l.blocks) {
                if (!innermost.containsKey(b.id())) innermost.put(b.id(), l);
            }
        }
        loops.sort(Comparator.comparingInt((Loop l) -> cfg.rpoNumber(l.header)));
    }

    public static Loops of(DominatorTree dom) {
        return new Loops(dom);
    }

    /// Walks predecessors backwards from the latches, stopping at the header.
    private static void collectBody(Loop l, Cfg cfg) {
        List<Block> work = new ArrayList<>();
        l.ids.add(l.header.id());
        l.blocks.add(l.header);
        for (Block latch : l.latches) {
            if (l.ids.add(latch.id())) {
                l.blocks.add(latch);
                work.add(latch);
            }
        }
        while (!work.isEmpty()) {
            Block b = work.removeLast();
            for (Block p : cfg.predecessors(b)) {
                if (cfg.isReachable(p) && l.ids.add(p.id())) {
                    l.blocks.add(p);
                    work.add(p);
                }
            }
        }
        l.blocks.sort(Comparator.comparingInt(cfg::rpoNumber));
        l.latches.sort(Comparator.comparingInt(cfg::rpoNumber));
    }

    /// All loops, outer before inner, in reverse postorder of their headers.
    public List<Loop> loops() {
        return Collections.unmodifiableList(loops);
    }

    /// The innermost loop containing `b`, or null.
    public Loop loopOf(Block b) {
        return innermost.get(b.id());
    }

    /// How many loops contain `b`.
    public int depth(Block b) {
        Loop l = loopOf(b);
        return l == null ? 0 : l.depth;
    }

    /// Retreating edges `{source, target}` that are not back edges (irreducible control flow).
    public List<Block[]> irreducibleEdges() {
        return Collections.unmodifiableList(irreducibleEdges);
    }

    public boolean isReducible() {
        return irreducibleEdges.isEmpty();
    }
}
