package dev.ebpfc.backend.regalloc;

import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Operand;
import dev.ebpfc.backend.mir.Reg;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/// Live intervals of every virtual register and of every physical register used as a fixed
/// constraint, over the block layout order.
///
/// Numbering: each block has an entry slot (its parameters are defined there), then one slot per
/// instruction, then an exit slot (the edge arguments are read there). Slot `k` has two positions:
/// `2k` where uses are read and `2k+1` where defs are written, so a value whose last use is the
/// instruction defining another can share that value's register. Ranges are half-open.
///
/// Liveness is an iterative backward data-flow over the machine blocks (block parameters are
/// defined on entry, edge arguments read on exit), so loops need no special case: every block a
/// value is live out of gets a range up to its end.
public final class LiveIntervals {
    /// A sorted list of disjoint half-open ranges `[from, to)`.
    public static final class Interval {
        final List<int[]> ranges = new ArrayList<>(); // kept sorted by the builder's normalize()
        final List<Integer> usePositions = new ArrayList<>();
        Reg.VReg hint; // a register this one is copied from or to, for coalescing

        public int start() {
            return ranges.getFirst()[0];
        }

        public int end() {
            return ranges.getLast()[1];
        }

        public List<int[]> ranges() {
            return ranges;
        }

        boolean covers(int pos) {
            for (int[] r : ranges) {
                if (pos < r[0]) return false;
                if (pos < r[1]) return true;
            }
            return false;
        }

        /// The first position at which both intervals are live, or -1.
        int firstIntersection(Interval o) {
            int i = 0, j = 0;
            while (i < ranges.size() && j < o.ranges.size()) {
                int[] a = ranges.get(i), b = o.ranges.get(j);
                int lo = Math.max(a[0], b[0]), hi = Math.min(a[1], b[1]);
                if (lo < hi) return lo;
                if (a[1] <= b[1]) i++; else j++;
            }
            return -1;
        }

        void add(int from, int to) {
            ranges.add(new int[]{from, to});
        }

        void normalize() {
            ranges.sort((a, b) -> Integer.compare(a[0], b[0]));
            List<int[]> merged = new ArrayList<>();
            for (int[] r : ranges) {
                if (r[0] >= r[1]) continue;
                if (!merged.isEmpty() && merged.getLast()[1] >= r[0]) {
                    merged.getLast()[1] = Math.max(merged.getLast()[1], r[1]);
                } else {
                    merged.add(new int[]{r[0], r[1]});
                }
            }
            ranges.clear();
            ranges.addAll(merged);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (int[] r : ranges) sb.append('[').append(r[0]).append(',').append(r[1]).append(')');
            return sb.toString();
        }
    }

    private final Interval[] vregs;
    private final Map<Integer, Interval> fixed = new HashMap<>();
    private final int[] blockStart;
    private final int[] blockEnd;

    public LiveIntervals(MachineFunction f) {
        List<MachineBlock> blocks = f.blocks();
        int n = blocks.size();
        blockStart = new int[n];
        blockEnd = new int[n];
        int slot = 0;
        for (MachineBlock b : blocks) {
            blockStart[b.id()] = 2 * slot;
            slot += b.insts().size() + 2;
            blockEnd[b.id()] = 2 * slot;
        }
        vregs = new Interval[f.vregCount()];
        for (int i = 0; i < vregs.length; i++) vregs[i] = new Interval();

        BitSet[] liveIn = liveness(f);
        for (MachineBlock b : blocks) {
            int start = blockStart[b.id()], end = blockEnd[b.id()];
            // Walk backwards keeping, per live register, the position up to which it is live.
            Map<Integer, Integer> liveUntil = new HashMap<>();
            BitSet out = liveOut(b, liveIn);
            out.stream().forEach(v -> liveUntil.put(v, end));
            int exit = end - 2;
            for (MachineBlock.Edge e : b.succs()) {
                for (Reg r : e.args()) {
                    if (r instanceof Reg.VReg v) {
                        vregs[v.id()].usePositions.add(exit);
                        liveUntil.putIfAbsent(v.id(), exit + 1);
                    }
                }
                for (int i = 0; i < e.args().size(); i++) {
                    if (e.args().get(i) instanceof Reg.VReg a) hint(a, f.block(e.target()).params().get(i));
                }
            }
            // Physical registers are block-local: their live-until map starts empty at the exit.
            Map<Integer, Integer> physUntil = new HashMap<>();
            List<MachineInst> insts = b.insts();
            for (int k = insts.size() - 1; k >= 0; k--) {
                MachineInst inst = insts.get(k);
                int use = start + 2 * (k + 1), def = use + 1;
                for (Operand o : inst.operands()) {
                    if (o.role() != Operand.Role.DEF) continue;
                    switch (o.reg()) {
                        case Reg.VReg v -> {
                            Integer until = liveUntil.remove(v.id());
                            vregs[v.id()].add(def, until == null ? def + 1 : until);
                            vregs[v.id()].usePositions.add(def);
                        }
                        case Reg.PReg p -> {
                            Integer until = physUntil.remove(p.num());
                            fixed(p.num()).add(def, until == null ? def + 1 : until);
                        }
                    }
                }
                for (int c : inst.clobbers()) fixed(c).add(def, def + 1);
                for (Operand o : inst.operands()) {
                    if (o.role() == Operand.Role.DEF) continue;
                    int until = o.role() == Operand.Role.LATE_USE ? def + 1 : use + 1;
                    switch (o.reg()) {
                        case Reg.VReg v -> {
                            vregs[v.id()].usePositions.add(use);
                            liveUntil.merge(v.id(), until, Math::max);
                        }
                        case Reg.PReg p -> physUntil.merge(p.num(), until, Math::max);
                    }
                }
                if (inst.isMove() && inst.operands().get(0).reg() instanceof Reg.VReg d
                        && inst.operands().get(1).reg() instanceof Reg.VReg s) {
                    hint(s, d);
                }
            }
            if (!physUntil.isEmpty()) {
                throw new IllegalStateException("physical registers " + physUntil.keySet() + " live into " + b);
            }
            for (Reg.VReg p : b.params()) {
                Integer until = liveUntil.remove(p.id());
                vregs[p.id()].add(start + 1, until == null ? start + 2 : until);
                vregs[p.id()].usePositions.add(start + 1);
            }
            for (var e : liveUntil.entrySet()) vregs[e.getKey()].add(start, e.getValue());
        }
        for (Interval i : vregs) i.normalize();
        for (Interval i : fixed.values()) i.normalize();
    }

    private void hint(Reg.VReg a, Reg.VReg b) {
        if (vregs[a.id()].hint == null) vregs[a.id()].hint = b;
        if (vregs[b.id()].hint == null) vregs[b.id()].hint = a;
    }

    private Interval fixed(int reg) {
        return fixed.computeIfAbsent(reg, r -> new Interval());
    }

    private static BitSet liveOut(MachineBlock b, BitSet[] liveIn) {
        BitSet out = new BitSet();
        for (MachineBlock.Edge e : b.succs()) out.or(liveIn[e.target()]);
        return out;
    }

    /// Live-in sets of virtual registers, to a fixpoint. A block's live-in excludes its parameters;
    /// an edge's arguments are live out of its source.
    private static BitSet[] liveness(MachineFunction f) {
        int n = f.blocks().size();
        BitSet[] gen = new BitSet[n], kill = new BitSet[n], in = new BitSet[n], argUses = new BitSet[n];
        for (MachineBlock b : f.blocks()) {
            BitSet g = new BitSet(), k = new BitSet(), a = new BitSet();
            for (Reg.VReg p : b.params()) k.set(p.id());
            for (MachineInst inst : b.insts()) {
                for (Operand o : inst.operands()) {
                    if (o.role() != Operand.Role.DEF && o.reg() instanceof Reg.VReg v && !k.get(v.id())) g.set(v.id());
                }
                for (Operand o : inst.operands()) {
                    if (o.role() == Operand.Role.DEF && o.reg() instanceof Reg.VReg v) k.set(v.id());
                }
            }
            for (MachineBlock.Edge e : b.succs()) {
                for (Reg r : e.args()) {
                    if (r instanceof Reg.VReg v) a.set(v.id());
                }
            }
            gen[b.id()] = g;
            kill[b.id()] = k;
            argUses[b.id()] = a;
            in[b.id()] = new BitSet();
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                MachineBlock b = f.block(i);
                BitSet out = liveOut(b, in);
                out.or(argUses[i]);
                out.andNot(kill[i]);
                out.or(gen[i]);
                if (!out.equals(in[i])) {
                    in[i] = out;
                    changed = true;
                }
            }
        }
        return in;
    }

    public Interval of(Reg.VReg v) {
        return vregs[v.id()];
    }

    public int vregCount() {
        return vregs.length;
    }

    /// The fixed interval of physical register `reg` (empty if the function never constrains it).
    public Interval fixedOf(int reg) {
        return fixed.getOrDefault(reg, EMPTY);
    }

    public int blockStart(int block) {
        return blockStart[block];
    }

    public int blockEnd(int block) {
        return blockEnd[block];
    }

    private static final Interval EMPTY = new Interval();
}
