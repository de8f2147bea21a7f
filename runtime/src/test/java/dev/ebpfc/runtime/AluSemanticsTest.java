package dev.ebpfc.runtime;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.EndianOp;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// ALU and byte-order semantics: each edge case RFC 9669 pins down, then a seeded comparison of
/// every operation, width and operand form against a Java reference written independently here.
class AluSemanticsTest {
    private static long run64(AluOp op, long a, long b) {
        return new Asm().lddw(0, a).lddw(1, b).alu64r(op, 0, 1).exit().run().r0();
    }

    private static long run32(AluOp op, long a, long b) {
        return new Asm().lddw(0, a).lddw(1, b).alu32r(op, 0, 1).exit().run().r0();
    }

    @Test
    void divisionByZeroGivesZero() {
        assertEquals(0, run64(AluOp.DIV, 42, 0));
        assertEquals(0, run32(AluOp.DIV, 42, 0));
        assertEquals(0, run64(AluOp.SDIV, -42, 0));
        assertEquals(0, run32(AluOp.SDIV, -42, 0));
        assertEquals(0, new Asm().mov(0, 9).alu64(AluOp.DIV, 0, 0).exit().run().r0());
    }

    @Test
    void moduloByZeroLeavesDividend() {
        assertEquals(42, run64(AluOp.MOD, 42, 0));
        assertEquals(-42L, run64(AluOp.SMOD, -42, 0));
        // 32-bit: the dividend truncated to 32 bits, zero-extended.
        assertEquals(0xffffffd6L, run32(AluOp.SMOD, -42, 0));
        assertEquals(0x00000001L, run32(AluOp.MOD, 0x7_0000_0001L, 0));
    }

    @Test
    void signedDivisionOverflow() {
        assertEquals(Long.MIN_VALUE, run64(AluOp.SDIV, Long.MIN_VALUE, -1));
        assertEquals(0, run64(AluOp.SMOD, Long.MIN_VALUE, -1));
        assertEquals(0x80000000L, run32(AluOp.SDIV, Integer.MIN_VALUE, -1));
        assertEquals(0, run32(AluOp.SMOD, Integer.MIN_VALUE, -1));
    }

    @Test
    void signedModuloTakesSignOfDividend() {
        assertEquals(-1, run64(AluOp.SMOD, -7, 2));
        assertEquals(1, run64(AluOp.SMOD, 7, -2));
        assertEquals(-3, run64(AluOp.SDIV, 7, -2));
    }

    @Test
    void unsignedDivisionWithNegativeImmediateSignExtends() {
        // ALU64 immediates are sign-extended, then the division is unsigned.
        assertEquals(1, new Asm().lddw(0, -1L).alu64(AluOp.DIV, 0, -1).exit().run().r0());
        assertEquals(0, new Asm().mov(0, 10).alu64(AluOp.DIV, 0, -1).exit().run().r0());
    }

    @Test
    void results32BitAreZeroExtended() {
        assertEquals(0xffffffffL, new Asm().mov(0, 0).alu32(AluOp.SUB, 0, 1).exit().run().r0());
        assertEquals(0xfffffffeL, new Asm().mov(0, -1).alu32(AluOp.ADD, 0, -1).exit().run().r0());
        assertEquals(0xffffffffL, new Asm().mov(0, -1).alu32(AluOp.MOV, 0, -1).exit().run().r0());
        assertEquals(-1L, new Asm().mov(0, -1).exit().run().r0());
        assertEquals(0xffffffffL, new Asm().lddw(1, -1L).alu32r(AluOp.MOV, 0, 1).exit().run().r0());
        assertEquals(0xffffffffL, new Asm().mov(0, 1).alu32(AluOp.NEG, 0, 0).exit().run().r0());
    }

    @Test
    void shiftCountsAreMasked() {
        assertEquals(2, run64(AluOp.LSH, 1, 65));
        assertEquals(2, run32(AluOp.LSH, 1, 33));
        assertEquals(0x40000000L, run32(AluOp.RSH, 0x80000000L, 33));
        assertEquals(0xc0000000L, run32(AluOp.ARSH, 0x80000000L, 33));
        assertEquals(-1L, run64(AluOp.ARSH, Long.MIN_VALUE, 127));
        assertEquals(1, run64(AluOp.RSH, Long.MIN_VALUE, 63));
    }

    @Test
    void signExtendingMoves() {
        assertEquals(-128L, new Asm().mov(1, 0x180).alu64r(AluOp.MOVSX8, 0, 1).exit().run().r0());
        assertEquals(-32768L, new Asm().mov(1, 0x18000).alu64r(AluOp.MOVSX16, 0, 1).exit().run().r0());
        assertEquals(-2147483648L, new Asm().lddw(1, 0x1_8000_0000L).alu64r(AluOp.MOVSX32, 0, 1).exit().run().r0());
        assertEquals(0xffffff80L, new Asm().mov(1, 0x80).alu32r(AluOp.MOVSX8, 0, 1).exit().run().r0());
        assertEquals(0xffff8000L, new Asm().mov(1, 0x8000).alu32r(AluOp.MOVSX16, 0, 1).exit().run().r0());
    }

    @Test
    void byteOrder() {
        long v = 0x1122334455667788L;
        assertEquals(0x7788L, new Asm().lddw(0, v).endian(EndianOp.LE, 16, 0).exit().run().r0());
        assertEquals(0x55667788L, new Asm().lddw(0, v).endian(EndianOp.LE, 32, 0).exit().run().r0());
        assertEquals(v, new Asm().lddw(0, v).endian(EndianOp.LE, 64, 0).exit().run().r0());
        assertEquals(0x8877L, new Asm().lddw(0, v).endian(EndianOp.BE, 16, 0).exit().run().r0());
        assertEquals(0x88776655L, new Asm().lddw(0, v).endian(EndianOp.BE, 32, 0).exit().run().r0());
        assertEquals(0x8877665544332211L, new Asm().lddw(0, v).endian(EndianOp.BE, 64, 0).exit().run().r0());
        assertEquals(0x8877L, new Asm().lddw(0, v).endian(EndianOp.BSWAP, 16, 0).exit().run().r0());
        assertEquals(0x88776655L, new Asm().lddw(0, v).endian(EndianOp.BSWAP, 32, 0).exit().run().r0());
        assertEquals(0x8877665544332211L, new Asm().lddw(0, v).endian(EndianOp.BSWAP, 64, 0).exit().run().r0());
    }

    /// The reference: BPF semantics restated from RFC 9669 on BigInteger-free Java, kept apart from
    /// the interpreter's helpers on purpose.
    static long reference(AluOp op, boolean w64, long a, long b) {
        if (!w64) {
            long x = a & 0xffffffffL, y = b & 0xffffffffL;
            int sx = (int) a, sy = (int) b;
            long res = switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> y == 0 ? 0 : x / y;
                case SDIV -> sy == 0 ? 0 : (sx == Integer.MIN_VALUE && sy == -1 ? sx : sx / sy);
                case OR -> x | y;
                case AND -> x & y;
                case LSH -> x << (y % 32);
                case RSH -> x >> (y % 32);
                case NEG -> -x;
                case MOD -> y == 0 ? x : x % y;
                case SMOD -> sy == 0 ? sx : (sy == -1 ? 0 : sx % sy);
                case XOR -> x ^ y;
                case MOV -> y;
                case MOVSX8 -> (byte) y;
                case MOVSX16 -> (short) y;
                case MOVSX32 -> throw new IllegalArgumentException();
                case ARSH -> (long) sx >> (y % 32);
            };
            return res & 0xffffffffL;
        }
        java.math.BigInteger ua = new java.math.BigInteger(Long.toUnsignedString(a)), ub = new java.math.BigInteger(Long.toUnsignedString(b));
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> b == 0 ? 0 : ua.divide(ub).longValue();
            case SDIV -> b == 0 ? 0 : (a == Long.MIN_VALUE && b == -1 ? a : a / b);
            case OR -> a | b;
            case AND -> a & b;
            case LSH -> b % 64 < 0 ? a << (b & 63) : a << (int) Long.remainderUnsigned(b, 64);
            case RSH -> a >>> (int) Long.remainderUnsigned(b, 64);
            case NEG -> -a;
            case MOD -> b == 0 ? a : ua.mod(ub).longValue();
            case SMOD -> b == 0 ? a : (b == -1 ? 0 : a % b);
            case XOR -> a ^ b;
            case MOV -> b;
            case MOVSX8 -> (byte) b;
            case MOVSX16 -> (short) b;
            case MOVSX32 -> (int) b;
            case ARSH -> a >> (int) Long.remainderUnsigned(b, 64);
        };
    }

    private static long interesting(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> rnd.nextInt(5) - 2;
            case 1 -> Long.MIN_VALUE + rnd.nextInt(2);
            case 2 -> Integer.MIN_VALUE;
            case 3 -> rnd.nextInt(100);
            case 4 -> rnd.nextInt();
            default -> rnd.nextLong();
        };
    }

    @Test
    void randomOperandsMatchTheReference() {
        Random rnd = new Random(20240611);
        for (int n = 0; n < 3000; n++) {
            AluOp op = AluOp.values()[rnd.nextInt(AluOp.values().length)];
            boolean w64 = rnd.nextBoolean();
            if (op == AluOp.MOVSX32 && !w64) continue;
            boolean imm = rnd.nextBoolean() && !op.isMovsx();
            long a = interesting(rnd);
            long b = interesting(rnd);
            Asm asm = new Asm().lddw(0, a);
            if (op == AluOp.NEG) {
                b = 0;
                if (w64) asm.alu64(op, 0, 0); else asm.alu32(op, 0, 0);
            } else if (imm) {
                b = (int) b;
                if (w64) asm.alu64(op, 0, (int) b); else asm.alu32(op, 0, (int) b);
            } else {
                asm.lddw(1, b);
                if (w64) asm.alu64r(op, 0, 1); else asm.alu32r(op, 0, 1);
            }
            long expected = reference(op, w64, a, b);
            // A 32-bit MOV of an immediate uses its 32 bits; the 64-bit form sign-extends (as b already is).
            assertEquals(expected, asm.exit().run().r0(),
                    () -> op + (w64 ? "64" : "32") + (imm ? " imm " : " reg ") + Long.toHexString(a) + ", " + Long.toHexString(0));
        }
    }
}
