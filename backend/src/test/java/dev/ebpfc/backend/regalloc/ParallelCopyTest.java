package dev.ebpfc.backend.regalloc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// Sequentialized parallel copies do what the parallel copy says, cycles included.
class ParallelCopyTest {
    static final Location SCRATCH = new Location.InReg(99);

    static Location r(int n) {
        return new Location.InReg(n);
    }

    static void checkSame(List<ParallelCopy.Move> copies) {
        Map<Location, Long> before = new HashMap<>();
        for (int k = 0; k < 10; k++) {
            before.put(r(k), 100L + k);
            before.put(new Location.InSlot(k), 200L + k);
        }
        Map<Location, Long> expect = new HashMap<>(before);
        for (ParallelCopy.Move m : copies) expect.put(m.dst(), before.get(m.src()));
        Map<Location, Long> state = new HashMap<>(before);
        for (ParallelCopy.Move m : ParallelCopy.sequentialize(copies, SCRATCH)) state.put(m.dst(), state.get(m.src()));
        state.remove(SCRATCH);
        assertEquals(expect, state, copies.toString());
    }

    @Test
    void swapAndRotation() {
        checkSame(List.of(new ParallelCopy.Move(r(0), r(1)), new ParallelCopy.Move(r(1), r(0))));
        checkSame(List.of(new ParallelCopy.Move(r(0), r(1)), new ParallelCopy.Move(r(1), r(2)), new ParallelCopy.Move(r(2), r(0))));
        List<ParallelCopy.Move> swap = ParallelCopy.sequentialize(
                List.of(new ParallelCopy.Move(r(0), r(1)), new ParallelCopy.Move(r(1), r(0))), SCRATCH);
        assertEquals(3, swap.size());
    }

    @Test
    void fanOutAndChains() {
        checkSame(List.of(new ParallelCopy.Move(r(0), r(1)), new ParallelCopy.Move(r(2), r(1)), new ParallelCopy.Move(r(1), r(3))));
        checkSame(List.of(new ParallelCopy.Move(r(1), r(0)), new ParallelCopy.Move(r(2), r(1)), new ParallelCopy.Move(r(3), r(2))));
    }

    @Test
    void randomPermutationsWithSlots() {
        Random rnd = new Random(7);
        for (int n = 0; n < 2000; n++) {
            List<Location> locs = new ArrayList<>();
            for (int k = 0; k < 6; k++) locs.add(r(k));
            for (int k = 0; k < 4; k++) locs.add(new Location.InSlot(k));
            java.util.Collections.shuffle(locs, rnd);
            List<ParallelCopy.Move> copies = new ArrayList<>();
            int m = 1 + rnd.nextInt(8);
            for (int k = 0; k < m; k++) copies.add(new ParallelCopy.Move(locs.get(k), locs.get(rnd.nextInt(locs.size()))));
            checkSame(copies);
        }
    }
}
