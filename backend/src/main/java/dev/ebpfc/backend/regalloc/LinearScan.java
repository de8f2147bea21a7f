package dev.ebpfc.backend.regalloc;

import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.Reg;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeSet;

/// Linear-scan register allocation over SSA live intervals (after Poletto & Sarkar, with the
/// interval-with-holes free-until heuristic of Wimmer & Mössenböck).
///
/// Intervals are visited by start position. For each register we compute how long it stays free:
/// 0 if an active interval holds it, the first intersection with an inactive interval (one in a
/// hole) holding it, or the first intersection with the register's fixed interval (call arguments,
/// clobbers, rcx/rax/rdx constraints). The interval gets its copy hint's register if that is free
/// for its whole life, else a caller-saved register free for its whole life, else a callee-saved
/// one. If none is free for the whole interval, the interval with the fewest uses per position
/// among the current one and the active intervals whose register would do is spilled to a frame
/// slot for its whole life (no splitting yet: the emitter reloads spilled operands through scratch
/// registers, so spilling a value used everywhere, such as the frame pointer, costs a reload per
/// use). Spill slots are shared by intervals that do not interfere.
public final class LinearScan {
    private LinearScan() {
    }

    public static Allocation allocate(MachineFunction f, RegisterSet regs) {
        for (var b : f.blocks()) {
            for (var e : b.succs()) {
                if (e.target() < 0 || e.target() >= f.blocks().size() || e.args().size() != f.block(e.target()).params().size()) {
                    throw new IllegalArgumentException(b + " -> mblock" + e.target() + e.args() + " does not match the target's parameters");
                }
            }
        }
        LiveIntervals live = new LiveIntervals(f);
        int n = live.vregCount();
        Location[] loc = new Location[n];
        int[] regOf = new int[n];
        java.util.Arrays.fill(regOf, -1);
        List<Integer> order = new ArrayList<>(regs.callerSaved());
        order.addAll(regs.calleeSaved());

        PriorityQueue<Integer> unhandled = new PriorityQueue<>(Comparator
                .comparingInt((Integer v) -> live.of(Reg.v(v)).start()).thenComparingInt(v -> v));
        for (int v = 0; v < n; v++) {
            if (!live.of(Reg.v(v)).ranges().isEmpty()) unhandled.add(v);
            else loc[v] = new Location.InReg(order.getFirst()); // never live: any register will do
        }
        List<Integer> active = new ArrayList<>(), inactive = new ArrayList<>();
        List<List<LiveIntervals.Interval>> slots = new ArrayList<>(); // the intervals in each slot
        TreeSet<Integer> usedCallee = new TreeSet<>();

        while (!unhandled.isEmpty()) {
            int cur = unhandled.poll();
            LiveIntervals.Interval ci = live.of(Reg.v(cur));
            int pos = ci.start();
            // Retire and move intervals between active and inactive.
            for (var it = active.iterator(); it.hasNext(); ) {
                int a = it.next();
                LiveIntervals.Interval ai = live.of(Reg.v(a));
                if (ai.end() <= pos) it.remove();
                else if (!ai.covers(pos)) { it.remove(); inactive.add(a); }
            }
            for (var it = inactive.iterator(); it.hasNext(); ) {
                int a = it.next();
                LiveIntervals.Interval ai = live.of(Reg.v(a));
                if (ai.end() <= pos) it.remove();
                else if (ai.covers(pos)) { it.remove(); active.add(a); }
            }

            int[] freeUntil = new int[order.size()];
            for (int k = 0; k < order.size(); k++) {
                int r = order.get(k);
                int x = live.fixedOf(r).firstIntersection(ci);
                freeUntil[k] = x < 0 ? Integer.MAX_VALUE : x;
            }
            for (int a : active) setMin(freeUntil, order, regOf[a], 0);
            for (int a : inactive) {
                int x = live.of(Reg.v(a)).firstIntersection(ci);
                if (x >= 0) setMin(freeUntil, order, regOf[a], x);
            }

            int chosen = -1;
            Reg.VReg hint = ci.hint;
            if (hint != null && regOf[hint.id()] >= 0) {
                int k = order.indexOf(regOf[hint.id()]);
                if (freeUntil[k] >= ci.end()) chosen = order.get(k);
            }
            for (int k = 0; chosen < 0 && k < order.size(); k++) {
                if (freeUntil[k] >= ci.end()) chosen = order.get(k);
            }
            if (chosen >= 0) {
                assign(cur, chosen, regOf, loc, regs, usedCallee);
                active.add(cur);
                continue;
            }
            // Spill: the interval with the fewest uses per position among `cur` and the active
            // intervals whose register would be free for `cur` once they are gone.
            int victim = -1;
            double best = weight(ci);
            for (int a : active) {
                LiveIntervals.Interval ai = live.of(Reg.v(a));
                int r = regOf[a];
                if (live.fixedOf(r).firstIntersection(ci) >= 0) continue;
                boolean blocked = false;
                for (int b : inactive) {
                    if (regOf[b] == r && live.of(Reg.v(b)).firstIntersection(ci) >= 0) blocked = true;
                }
                double w = weight(ai);
                if (!blocked && w < best) {
                    victim = a;
                    best = w;
                }
            }
            if (victim >= 0) {
                int r = regOf[victim];
                active.remove((Integer) victim);
                regOf[victim] = -1;
                loc[victim] = spillSlot(live.of(Reg.v(victim)), slots);
                assign(cur, r, regOf, loc, regs, usedCallee);
                active.add(cur);
            } else {
                loc[cur] = spillSlot(ci, slots);
            }
        }
        return new Allocation(loc, slots.size(), usedCallee, regs, f);
    }

    /// Uses per position: what keeping `i` in a register saves per position it occupies.
    private static double weight(LiveIntervals.Interval i) {
        return (double) i.usePositions.size() / Math.max(1, i.end() - i.start());
    }

    /// A frame slot no interference-free interval already holds, reusing slots where possible.
    private static Location spillSlot(LiveIntervals.Interval i, List<List<LiveIntervals.Interval>> slots) {
        for (int s = 0; s < slots.size(); s++) {
            boolean free = true;
            for (LiveIntervals.Interval o : slots.get(s)) {
                if (o.firstIntersection(i) >= 0) {
                    free = false;
                    break;
                }
            }
            if (free) {
                slots.get(s).add(i);
                return new Location.InSlot(s);
            }
        }
        slots.add(new ArrayList<>(List.of(i)));
        return new Location.InSlot(slots.size() - 1);
    }

    private static void assign(int v, int reg, int[] regOf, Location[] loc, RegisterSet regs, TreeSet<Integer> usedCallee) {
        regOf[v] = reg;
        loc[v] = new Location.InReg(reg);
        if (regs.isCalleeSaved(reg)) usedCallee.add(reg);
    }

    private static void setMin(int[] freeUntil, List<Integer> order, int reg, int value) {
        int k = order.indexOf(reg);
        if (k >= 0) freeUntil[k] = Math.min(freeUntil[k], value);
    }
}
