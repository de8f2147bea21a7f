package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.riscv64.Riscv64Insn.AluImm;
import dev.ebpfc.backend.riscv64.Riscv64Insn.Lui;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.ebpfc.backend.riscv64.Riscv64Reg.A0;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.ZERO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// [Riscv64Encoder#materialization] checked by running its output on a tiny evaluator of the five
/// instructions it may use (with RV64 semantics: lui and addiw sign-extend their 32-bit result),
/// over edge values and seeded random ones, and its length against known optimal counts for
/// simple classes of constants.
class Riscv64MaterializeTest {
    private static final long SEED = 0x5eed_c057L;

    /// Runs `seq` with rd holding garbage first, so reading rd before writing it is caught.
    static long eval(List<Riscv64Insn> seq) {
        long rd = 0x5a5a_a5a5_dead_beefL;
        boolean written = false;
        for (Riscv64Insn insn : seq) {
            switch (insn) {
                case Lui l -> {
                    assertEquals(A0, l.rd());
                    rd = (long) (l.imm20() << 12);
                }
                case AluImm a -> {
                    assertEquals(A0, a.rd());
                    if (a.rs1() != ZERO) {
                        assertEquals(A0, a.rs1());
                        assertTrue(written, "reads rd before writing it: " + seq);
                    }
                    long src = a.rs1() == ZERO ? 0 : rd;
                    rd = switch (a.op()) {
                        case ADDI -> src + a.imm();
                        case ADDIW -> (int) (src + a.imm());
                        case SLLI -> src << a.imm();
                        case SRLI -> src >>> a.imm();
                        default -> throw new AssertionError("unexpected " + insn);
                    };
                }
                default -> fail("unexpected " + insn);
            }
            written = true;
        }
        return rd;
    }

    static List<Riscv64Insn> checked(long v) {
        List<Riscv64Insn> seq = Riscv64Encoder.materialization(A0, v);
        assertEquals(v, eval(seq), () -> String.format("0x%x via %s", v, seq));
        // the sequence must also be encodable (every immediate in range)
        Riscv64Encoder e = new Riscv64Encoder();
        for (Riscv64Insn i : seq) e.emit(i);
        return seq;
    }

    static List<Long> edges() {
        List<Long> vs = new ArrayList<>(List.of(0L, 1L, -1L, 2047L, 2048L, -2047L, -2048L, -2049L, 4095L, 4096L,
                (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE, 0x80000000L, 0xffffffffL, 0x100000000L,
                0x7ffff800L, 0x7ffff7ffL, 0x80000800L, Long.MAX_VALUE, Long.MIN_VALUE, 0x8000000000000800L,
                0x1234_5678_9abc_def0L, 0xfedc_ba98_7654_3210L, 0x5555_5555_5555_5555L, 0xaaaa_aaaa_aaaa_aaaaL,
                0x0000_ffff_0000_ffffL, 0xffff_0000_ffff_0000L, 0x7fff_ffff_ffff_f800L, 0xdead_beefL));
        for (int k = 0; k < 64; k++) {
            vs.add(1L << k);
            vs.add(~(1L << k));
            vs.add(-1L >>> k);
            vs.add(-1L << k);
            vs.add((1L << k) - 1);
            vs.add(-(1L << k));
        }
        return vs;
    }

    @Test
    void edgeValuesEvaluateToThemselves() {
        for (long v : edges()) {
            List<Riscv64Insn> seq = checked(v);
            assertTrue(seq.size() <= 8, () -> String.format("0x%x took %d: %s", v, seq.size(), seq));
        }
    }

    @Test
    void randomValuesEvaluateToThemselves() {
        Random r = new Random(SEED);
        int worst = 0;
        for (int i = 0; i < 20000; i++) {
            long v = switch (r.nextInt(4)) {
                case 0 -> r.nextLong();
                case 1 -> r.nextLong() >> r.nextInt(64);
                case 2 -> r.nextLong() >>> r.nextInt(64);
                default -> (long) (r.nextInt(4096) - 2048) << r.nextInt(64);
            };
            worst = Math.max(worst, checked(v).size());
        }
        // lui + addiw + (slli + addi) x3 covers 64 bits; the alternatives must never make it worse
        assertTrue(worst <= 8, "worst sequence " + worst);
    }

    @Test
    void simpleClassesTakeTheKnownOptimalCount() {
        for (int v = -2048; v <= 2047; v++) assertEquals(1, checked(v).size(), "imm12 " + v);
        Random r = new Random(SEED);
        for (int i = 0; i < 5000; i++) {
            int v = r.nextInt();
            assertTrue(checked(v).size() <= 2, "int32 " + v);
            assertEquals(1, checked(v & ~0xfff).size(), "lui-only " + (v & ~0xfff));
            long imm12 = r.nextInt(4096) - 2048;
            int k = r.nextInt(53);
            if (imm12 != 0) assertTrue(checked(imm12 << k).size() <= 2, "imm12 << " + k);
        }
        for (int k = 0; k < 64; k++) {
            assertTrue(checked(1L << k).size() <= 2, "bit " + k);
            assertTrue(checked(-1L >>> k).size() <= 2, "low mask " + k);
            assertTrue(checked(-1L << k).size() <= 2, "high mask " + k);
        }
        assertEquals(2, checked(0xffffffffL).size(), "0xffffffff = li -1; srli 32");
        assertEquals(2, checked(0x80000000L).size(), "0x80000000 = li 1; slli 31");
    }

    @Test
    void zeroRegisterIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Riscv64Encoder.materialization(ZERO, 5));
    }
}
