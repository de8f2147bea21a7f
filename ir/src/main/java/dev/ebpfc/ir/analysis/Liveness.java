package dev.ebpfc.ir.analysis;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Value;
import org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/// Which values are live on entry to and exit from each block, by backward dataflow to a fixed
/// point. Block parameters are defined at the top of their block, so they are never live-in
/// there; an argument on an edge is used by the terminator that passes it, so it is live at the
/// end of the source block but not because of the target. Hence
/// `out(b) = ∪ in(s)` over successors and `in(b) = uses(b) ∪ (out(b) − defs(b))`, with a
/// block's parameters and results in `defs(b)`. Values are bit positions by id.
public final class Liveness {
    private final Cfg cfg;
    private final IntObjectHashMap<BitSet> liveIn = new IntObjectHashMap<>();
    private final IntObjectHashMap<BitSet> liveOut = new IntObjectHashMap<>();
    /// Value by id, for turning bit sets back into values.
    private final IntObjectHashMap<Value> values = new IntObjectHashMap<>();

    private Liveness(Cfg cfg) {
        this.cfg = cfg;
        Function f = cfg.function();
        IntObjectHashMap<BitSet> uses = new IntObjectHashMap<>();
        IntObjectHashMap<BitSet> defs = new IntObjectHashMap<>();
        for (Block b : f.blocks()) {
            BitSet use = new BitSet(), def = new BitSet();
            for (Value p : b.params()) {
                def.set(p.id());
                values.put(p.id(), p);
            }
            for (Inst i : b.instructions()) {
                for (Value v : i.op().operands()) {
                    values.put(v.id(), v);
                    if (!def.get(v.id())) use.set(v.id());
                }
                if (i.result() != null) {
                    def.set(i.result().id());
                    values.put(i.result().id(), i.result());
                }
            }
            uses.put(b.id(), use);
            defs.put(b.id(), def);
            liveIn.put(b.id(), (BitSet) use.clone());
            liveOut.put(b.id(), new BitSet());
        }
        // Postorder first (successors before predecessors), then the unreachable blocks.
        List<Block> order = new ArrayList<>(cfg.postorder());
        for (Block b : f.blocks()) {
            if (!cfg.isReachable(b)) order.add(b);
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Block b : order) {
                BitSet out = new BitSet();
                for (Block s : cfg.successors(b)) out.or(liveIn.get(s.id()));
                BitSet in = (BitSet) out.clone();
                in.andNot(defs.get(b.id()));
                in.or(uses.get(b.id()));
                liveOut.put(b.id(), out);
                if (!in.equals(liveIn.get(b.id()))) {
                    liveIn.put(b.id(), in);
                    changed = true;
                }
            }
        }
    }

    public static Liveness of(Function f) {
        return new Liveness(Cfg.of(f));
    }

    public static Liveness of(Cfg cfg) {
        return new Liveness(cfg);
    }

    /// Values live on entry to `b`, by id.
    public List<Value> liveIn(Block b) {
        return toValues(liveIn.get(b.id()));
    }

    /// Values live on exit from `b`, by id.
    public List<Value> liveOut(Block b) {
        return toValues(liveOut.get(b.id()));
    }

    public boolean isLiveIn(Block b, Value v) {
        return liveIn.get(b.id()).get(v.id());
    }

    public boolean isLiveOut(Block b, Value v) {
        return liveOut.get(b.id()).get(v.id());
    }

    private List<Value> toValues(BitSet bits) {
        List<Value> out = new ArrayList<>(bits.cardinality());
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) out.add(values.get(i));
        return out;
    }

    public Cfg cfg() {
        return cfg;
    }
}
