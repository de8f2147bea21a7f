package dev.ebpfc.backend.regalloc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Turns a parallel copy (all sources read, then all destinations written) into a sequence of
/// moves. Destinations nobody still needs to read are written first; what remains are cycles,
/// each broken by saving one value in the scratch register.
public final class ParallelCopy {
    public record Move(Location dst, Location src) {
        @Override
        public String toString() {
            return dst + " <- " + src;
        }
    }

    private ParallelCopy() {
    }

    /// `copies` must not write one destination twice. `scratch` must not occur in it.
    public static List<Move> sequentialize(List<Move> copies, Location scratch) {
        Map<Location, Location> pending = new LinkedHashMap<>(); // dst -> src
        for (Move m : copies) {
            if (m.dst().equals(m.src())) continue;
            if (pending.put(m.dst(), m.src()) != null) throw new IllegalArgumentException("two copies to " + m.dst());
            if (m.dst().equals(scratch) || m.src().equals(scratch)) throw new IllegalArgumentException("scratch in copy");
        }
        List<Move> out = new ArrayList<>();
        while (!pending.isEmpty()) {
            Map<Location, Integer> readers = new HashMap<>();
            for (Location src : pending.values()) readers.merge(src, 1, Integer::sum);
            boolean progress = false;
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!readers.containsKey(e.getKey())) {
                    out.add(new Move(e.getKey(), e.getValue()));
                    readers.merge(e.getValue(), -1, Integer::sum);
                    if (readers.get(e.getValue()) == 0) readers.remove(e.getValue());
                    it.remove();
                    progress = true;
                }
            }
            if (progress) continue;
            // Only cycles remain: every destination is still read. Save one destination's old
            // value in the scratch and let its readers read the scratch instead.
            Location victim = pending.keySet().iterator().next();
            out.add(new Move(scratch, victim));
            for (var e : pending.entrySet()) {
                if (e.getValue().equals(victim)) e.setValue(scratch);
            }
        }
        return out;
    }
}
