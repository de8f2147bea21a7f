package dev.ebpfc.ir;

import dev.ebpfc.frontend.insn.AluOp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The BPF corner cases that are part of each operation's definition (RFC 9669 §4.1).
class BinaryOpTest {
    private static final long I32_MIN = 0x8000_0000L;
    private static final long I32_MINUS_ONE = 0xffff_ffffL;

    @Test
    void divisionByZeroGivesZeroAndRemainderKeepsDividend() {
        for (Type t : new Type[] {Type.I32, Type.I64}) {
            assertEquals(0, BinaryOp.UDIV.evaluate(7, 0, t));
            assertEquals(0, BinaryOp.SDIV.evaluate(7, 0, t));
            assertEquals(7, BinaryOp.UREM.evaluate(7, 0, t));
            assertEquals(7, BinaryOp.SREM.evaluate(7, 0, t));
        }
        // Only the low 32 bits of the divisor count at 32 bits.
        assertEquals(0, BinaryOp.UDIV.evaluate(7, 1L << 32, Type.I32));
    }

    @Test
    void signedOverflowingDivision() {
        assertEquals(Long.MIN_VALUE, BinaryOp.SDIV.evaluate(Long.MIN_VALUE, -1, Type.I64));
        assertEquals(0, BinaryOp.SREM.evaluate(Long.MIN_VALUE, -1, Type.I64));
        assertEquals(I32_MIN, BinaryOp.SDIV.evaluate(I32_MIN, I32_MINUS_ONE, Type.I32));
        assertEquals(0, BinaryOp.SREM.evaluate(I32_MIN, I32_MINUS_ONE, Type.I32));
    }

    @Test
    void remainderTakesTheSignOfTheDividend() {
        assertEquals(-1, BinaryOp.SREM.evaluate(-7, 2, Type.I64));
        assertEquals(1, BinaryOp.SREM.evaluate(7, -2, Type.I64));
        assertEquals(I32_MINUS_ONE, BinaryOp.SREM.evaluate(-7 & I32_MINUS_ONE, 2, Type.I32));
        assertEquals(0x7fff_ffff_ffff_fffcL, BinaryOp.UDIV.evaluate(-7, 2, Type.I64));
    }

    @Test
    void shiftCountsAreMaskedToTheWidth() {
        assertEquals(2, BinaryOp.SHL.evaluate(1, 65, Type.I64));
        assertEquals(2, BinaryOp.SHL.evaluate(1, 33, Type.I32));
        assertEquals(1, BinaryOp.LSHR.evaluate(I32_MIN, 63, Type.I32));
        assertEquals(I32_MINUS_ONE, BinaryOp.ASHR.evaluate(I32_MIN, 31, Type.I32));
        assertEquals(-1, BinaryOp.ASHR.evaluate(Long.MIN_VALUE, 127, Type.I64));
    }

    @Test
    void thirtyTwoBitResultsAreZeroExtendedWhateverTheInputsUpperBits() {
        assertEquals(0, BinaryOp.ADD.evaluate(I32_MINUS_ONE, 1, Type.I32));
        assertEquals(I32_MINUS_ONE, BinaryOp.SUB.evaluate(0, 1, Type.I32));
        assertEquals(3, BinaryOp.ADD.evaluate(0xdead_0000_0001L, 2, Type.I32));
        assertEquals(I32_MINUS_ONE, UnaryOp.NOT.evaluate(0, Type.I32));
        assertEquals(I32_MINUS_ONE, UnaryOp.NEG.evaluate(1, Type.I32));
        assertEquals(-1, UnaryOp.NEG.evaluate(1, Type.I64));
    }

    @Test
    void propertiesHoldOnSamples() {
        long[] samples = {0, 1, -1, 7, I32_MIN, I32_MINUS_ONE, Long.MIN_VALUE, 0x1234_5678_9abc_def0L};
        for (BinaryOp op : BinaryOp.values()) {
            assertFalse(op.mayHaveSideEffects());
            for (Type t : new Type[] {Type.I32, Type.I64}) {
                for (long a : samples) {
                    Long e = op.rightIdentity();
                    if (e != null) assertEquals(mask(a, t), op.evaluate(a, e, t), op + " identity");
                    for (long b : samples) {
                        if (op.commutative) assertEquals(op.evaluate(a, b, t), op.evaluate(b, a, t), op + " commutes");
                        for (long c : samples) {
                            if (op.associative) assertEquals(op.evaluate(op.evaluate(a, b, t), c, t), op.evaluate(a, op.evaluate(b, c, t), t), op + " associates");
                        }
                    }
                }
            }
        }
    }

    private static long mask(long a, Type t) {
        return t == Type.I32 ? a & I32_MINUS_ONE : a;
    }

    @Test
    void liftingFromAluOps() {
        assertEquals(BinaryOp.UREM, BinaryOp.of(AluOp.MOD));
        assertEquals(BinaryOp.ASHR, BinaryOp.of(AluOp.ARSH));
        assertNull(BinaryOp.of(AluOp.MOV));
        for (AluOp op : AluOp.values()) {
            BinaryOp b = BinaryOp.of(op);
            if (b != null) assertEquals(op.commutative, b.commutative, op + " and " + b + " agree on commutativity");
        }
        assertTrue(BinaryOp.SHL.isShift());
    }
}
