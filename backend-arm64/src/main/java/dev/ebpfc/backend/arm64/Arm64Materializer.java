package dev.ebpfc.backend.arm64;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import dev.ebpfc.backend.arm64.Arm64Insn.LogicOp;
import dev.ebpfc.backend.arm64.Arm64Insn.LogicalImm;
import dev.ebpfc.backend.arm64.Arm64Insn.MoveWide;
import dev.ebpfc.backend.arm64.Arm64Insn.MoveWideOp;

/// Builds the shortest instruction sequence this class knows for loading a constant into a
/// register. A64 has no 64-bit immediate load; the candidates are:
///  - MOVZ then one MOVK per other non-zero halfword;
///  - MOVN then one MOVK per other halfword that is not 0xffff (mostly-ones values, e.g. small
///    negatives, where MOVN's inversion gives the ones for free);
///  - ORR from ZR with a [LogicalImmediate] (repeating patterns like 0x5555…, 0x00ff00ff…, which
///    can need four MOVZ/MOVK);
///  - at 64 bits, an ORR pattern with one or two halfwords patched by MOVK, where the pattern is
///    the value with those halfwords replaced by 0, 0xffff or a copy of another halfword.
/// Ties go to the candidate listed first. At width W only the low 32 bits of `value` count.
public final class Arm64Materializer {
    private Arm64Materializer() {
    }

    public static List<Arm64Insn> sequence(Arm64Reg rd, long value, OpSize size) {
        if (rd == Arm64Reg.SP || rd == Arm64Reg.ZR) throw new IllegalArgumentException("materialize into " + rd);
        long v = size.mask(value);
        List<Arm64Insn> best = moveWide(rd, v, size, false);
        best = shorter(best, moveWide(rd, v, size, true));
        if (best.size() == 1) return best;
        OptionalInt logical = LogicalImmediate.encode(v, size.bits);
        if (logical.isPresent()) return List.of(new LogicalImm(LogicOp.ORR, size, rd, Arm64Reg.ZR, v));
        if (size == OpSize.X && best.size() > 2) best = shorter(best, orrThenMovk(rd, v, best.size()));
        return best;
    }

    /// MOVZ (or MOVN when `inverted`) of the first halfword that differs from the background
    /// (0, or 0xffff for MOVN), then MOVK for each remaining one.
    static List<Arm64Insn> moveWide(Arm64Reg rd, long v, OpSize size, boolean inverted) {
        int halves = size.bits / 16;
        int background = inverted ? 0xffff : 0;
        List<Arm64Insn> out = new ArrayList<>();
        for (int i = 0; i < halves; i++) {
            int h = half(v, i);
            if (h == background) continue;
            if (out.isEmpty()) {
                out.add(new MoveWide(inverted ? MoveWideOp.MOVN : MoveWideOp.MOVZ, size, rd, inverted ? ~h & 0xffff : h, 16 * i));
            } else {
                out.add(new MoveWide(MoveWideOp.MOVK, size, rd, h, 16 * i));
            }
        }
        if (out.isEmpty()) out.add(new MoveWide(inverted ? MoveWideOp.MOVN : MoveWideOp.MOVZ, size, rd, 0, 0));
        return out;
    }

    /// ORR with a pattern that differs from `v` in one or two halfwords, then MOVK those back.
    /// Only sequences shorter than `limit` are of interest.
    static List<Arm64Insn> orrThenMovk(Arm64Reg rd, long v, int limit) {
        List<Arm64Insn> best = null;
        for (int patched = 1; patched <= 2 && patched + 1 < limit && best == null; patched++) {
            for (int mask = 1; mask < 16 && best == null; mask++) {
                if (Integer.bitCount(mask) != patched) continue;
                best = tryPatch(rd, v, mask);
            }
        }
        return best;
    }

    /// Tries the fills 0, 0xffff and copies of the kept halfwords for the halfwords in `mask`.
    private static List<Arm64Insn> tryPatch(Arm64Reg rd, long v, int mask) {
        List<Integer> fills = new ArrayList<>(List.of(0, 0xffff));
        for (int i = 0; i < 4; i++) if ((mask & 1 << i) == 0) fills.add(half(v, i));
        int[] slots = new int[4];
        int n = 0;
        for (int i = 0; i < 4; i++) if ((mask & 1 << i) != 0) slots[n++] = i;
        int combos = n == 1 ? fills.size() : fills.size() * fills.size();
        for (int c = 0; c < combos; c++) {
            long pattern = v;
            pattern = withHalf(pattern, slots[0], fills.get(c % fills.size()));
            if (n == 2) pattern = withHalf(pattern, slots[1], fills.get(c / fills.size()));
            if (LogicalImmediate.encode(pattern, 64).isEmpty()) continue;
            List<Arm64Insn> out = new ArrayList<>();
            out.add(new LogicalImm(LogicOp.ORR, OpSize.X, rd, Arm64Reg.ZR, pattern));
            for (int k = 0; k < n; k++) {
                int h = half(v, slots[k]);
                if (half(pattern, slots[k]) != h) out.add(new MoveWide(MoveWideOp.MOVK, OpSize.X, rd, h, 16 * slots[k]));
            }
            return out;
        }
        return null;
    }

    private static List<Arm64Insn> shorter(List<Arm64Insn> a, List<Arm64Insn> b) {
        return b != null && b.size() < a.size() ? b : a;
    }

    static int half(long v, int i) {
        return (int) (v >>> (16 * i)) & 0xffff;
    }

    private static long withHalf(long v, int i, int h) {
        return v & ~(0xffffL << (16 * i)) | (long) h << (16 * i);
    }
}
