package dev.ebpfc.ir.verify;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Value;

import java.util.Arrays;
import java.util.TreeSet;

/// The bounds widening may jump to: the constants a function compares against (and their
/// neighbours), plus the limits of the integer types. A loop counter `i` tested by `i != 16` then
/// widens to `[0, 16]` rather than to infinity, which is what lets the loop-termination proof and
/// the bounds checks inside the loop succeed (widening with thresholds, Blanchet et al. 2003).
final class Thresholds {
    private final long[] unsigned;
    private final long[] signed;

    private Thresholds(TreeSet<Long> u, TreeSet<Long> s) {
        this.unsigned = u.stream().mapToLong(Long::longValue).sorted().toArray();
        // Unsigned order: sort by flipping the sign bit.
        for (int i = 0; i < unsigned.length; i++) unsigned[i] ^= Long.MIN_VALUE;
        Arrays.sort(unsigned);
        for (int i = 0; i < unsigned.length; i++) unsigned[i] ^= Long.MIN_VALUE;
        this.signed = s.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    static Thresholds of(Function f) {
        TreeSet<Long> u = new TreeSet<>(), s = new TreeSet<>();
        for (long c : new long[]{0, 1, 0xff, 0xffff, 0x7fff_ffffL, 0xffff_ffffL, Packet.MAX_OFFSET, MemoryAccess.MAX_VAR_OFF, -1L}) {
            u.add(c);
            s.add(c);
        }
        s.add(Long.MIN_VALUE);
        s.add(Long.MAX_VALUE);
        s.add(-0x8000_0000L);
        s.add(-Packet.MAX_OFFSET);
        s.add(-MemoryAccess.MAX_VAR_OFF);
        for (Block b : f.blocks()) {
            for (Inst i : b.instructions()) {
                if (i.op() instanceof Instruction.Branch br) {
                    addConst(br.a(), u, s);
                    addConst(br.b(), u, s);
                } else if (i.op() instanceof Instruction.Cmp c) {
                    addConst(c.a(), u, s);
                    addConst(c.b(), u, s);
                }
            }
        }
        return new Thresholds(u, s);
    }

    private static void addConst(Value v, TreeSet<Long> u, TreeSet<Long> s) {
        Instruction.Const c = v.asConst();
        if (c == null) return;
        for (long d = -1; d <= 1; d++) {
            u.add(c.value() + d);
            s.add(c.value() + d);
            // A 32-bit comparison constant also bounds the sign-extended form.
            long sx = (long) (int) c.value() + d;
            s.add(sx);
        }
    }

    long unsignedAbove(long v) {
        for (long t : unsigned) if (Long.compareUnsigned(t, v) >= 0) return t;
        return -1L;
    }

    long unsignedBelow(long v) {
        for (int i = unsigned.length - 1; i >= 0; i--) if (Long.compareUnsigned(unsigned[i], v) <= 0) return unsigned[i];
        return 0;
    }

    long signedAbove(long v) {
        for (long t : signed) if (t >= v) return t;
        return Long.MAX_VALUE;
    }

    long signedBelow(long v) {
        for (int i = signed.length - 1; i >= 0; i--) if (signed[i] <= v) return signed[i];
        return Long.MIN_VALUE;
    }
}
