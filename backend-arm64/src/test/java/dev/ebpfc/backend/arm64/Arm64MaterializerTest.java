package dev.ebpfc.backend.arm64;

import dev.ebpfc.backend.arm64.Arm64Insn.LogicOp;
import dev.ebpfc.backend.arm64.Arm64Insn.LogicalImm;
import dev.ebpfc.backend.arm64.Arm64Insn.MoveWide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// [Arm64Materializer]: each sequence, run on a tiny model of MOVZ/MOVK/MOVN/ORR, leaves the
/// constant in the register, and no strategy the class implements would have been shorter. The
/// ORR+MOVK optimum is computed independently, by scanning every 64-bit logical immediate.
class Arm64MaterializerTest {
    private static final long[] ALL_LOGICAL = Arm64LogicalImmediateTest.allValues(64).stream().mapToLong(Long::longValue).toArray();

    /// The register after running `seq` (starting from garbage, which MOVK must not rely on).
    static long run(List<Arm64Insn> seq, Arm64Reg rd) {
        long reg = 0xdead_beef_dead_beefL;
        for (Arm64Insn insn : seq) {
            switch (insn) {
                case MoveWide m -> {
                    assertEquals(rd, m.rd());
                    long field = 0xffffL << m.shift();
                    long imm = (long) m.imm16() << m.shift();
                    reg = switch (m.op()) {
                        case MOVZ -> imm;
                        case MOVN -> ~imm;
                        case MOVK -> reg & ~field | imm;
                    };
                    reg = m.size().mask(reg); // a W write clears the upper half
                }
                case LogicalImm l -> {
                    assertEquals(LogicOp.ORR, l.op());
                    assertEquals(Arm64Reg.ZR, l.rn());
                    assertEquals(rd, l.rd());
                    reg = l.size().mask(l.imm());
                }
                default -> fail("unexpected instruction " + insn);
            }
        }
        return reg;
    }

    static int halvesDiffering(long a, long b, int halves) {
        int n = 0;
        for (int i = 0; i < halves; i++) if (((a ^ b) >>> (16 * i) & 0xffff) != 0) n++;
        return n;
    }

    /// The length each implemented strategy needs, computed without the class under test.
    static int bestPossible(long v, OpSize z) {
        int halves = z.bits / 16;
        int movz = Math.max(1, halvesDiffering(v, 0, halves));
        int movn = Math.max(1, halvesDiffering(v, z.mask(-1L), halves));
        int best = Math.min(movz, movn);
        if (Arm64LogicalImmediateTest.bruteForce(v, z.bits)) best = Math.min(best, 1);
        if (z == OpSize.X) {
            for (long p : ALL_LOGICAL) {
                int d = halvesDiffering(v, p, 4);
                if (d <= 2) best = Math.min(best, 1 + d);
            }
        }
        return best;
    }

    static List<Long> values() {
        Random r = new Random(0x5eed_3a7L);
        List<Long> vs = new ArrayList<>(List.of(0L, 1L, -1L, 0xffffL, 0x10000L, 0xffff_0000L, 0xffff_ffffL, 0x1_0000_0000L,
                Long.MIN_VALUE, Long.MAX_VALUE, 0x8000_0000L, -0x8000_0000L, 0x7fff_ffffL, -2L, -0x10000L, 0x1234_5678_9abc_def0L,
                0x5555_5555_5555_5555L, 0x00ff_00ff_00ff_00ffL, 0x5555_1234_5555_5555L, 0x0000_1234_ffff_ffffL, 0xffff_1234_0000_ffffL));
        for (int i = 0; i < 3000; i++) {
            vs.add(switch (i % 6) {
                case 0 -> r.nextLong();
                case 1 -> r.nextLong() >> r.nextInt(64);
                case 2 -> (long) r.nextInt(0x10000) << (16 * r.nextInt(4)) ^ (r.nextBoolean() ? -1L : 0);
                case 3 -> ALL_LOGICAL[r.nextInt(ALL_LOGICAL.length)] ^ (long) r.nextInt(0x10000) << (16 * r.nextInt(4));
                case 4 -> ALL_LOGICAL[r.nextInt(ALL_LOGICAL.length)] ^ (long) r.nextInt(0x10000) << (16 * r.nextInt(4))
                        ^ (long) r.nextInt(0x10000) << (16 * r.nextInt(4));
                default -> {
                    long x = 0;
                    for (int h = 0; h < 4; h++) x |= (long) (switch (r.nextInt(3)) { case 0 -> 0; case 1 -> 0xffff; default -> r.nextInt(0x10000); }) << (16 * h);
                    yield x;
                }
            });
        }
        return vs;
    }

    @Test
    void sequencesLoadTheValueInMinimalLength() {
        int[] histogram = new int[5];
        for (long v : values()) {
            for (OpSize z : OpSize.values()) {
                Arm64Reg rd = Arm64Reg.general((int) (v & 0x1f) % 31);
                List<Arm64Insn> seq = Arm64Materializer.sequence(rd, v, z);
                long want = z.mask(v);
                assertEquals(want, run(seq, rd), () -> "0x" + Long.toHexString(want) + " at " + z + ": " + seq);
                int best = bestPossible(want, z);
                assertEquals(best, seq.size(), () -> "0x" + Long.toHexString(want) + " at " + z + " has a " + best + "-instruction sequence: " + seq);
                histogram[seq.size()]++;
            }
        }
        // Every strategy length occurs in the sample.
        for (int n = 1; n <= 4; n++) assertTrue(histogram[n] > 0, "sequences of length " + n);
    }

    @Test
    void encodesThroughTheEncoder() {
        Arm64Encoder e = new Arm64Encoder();
        e.materialize(Arm64Reg.R3, 0x1234_5678_9abc_def0L, OpSize.X);
        assertEquals(16, e.position());
        assertThrows(IllegalArgumentException.class, () -> Arm64Materializer.sequence(Arm64Reg.SP, 1, OpSize.X));
        assertThrows(IllegalArgumentException.class, () -> Arm64Materializer.sequence(Arm64Reg.ZR, 1, OpSize.X));
    }
}
