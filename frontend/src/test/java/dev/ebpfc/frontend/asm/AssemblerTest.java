package dev.ebpfc.frontend.asm;

import dev.ebpfc.frontend.codec.Encoder;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Syntax;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The conformance-syntax assembler: operand forms, labels and one-line error messages.
class AssemblerTest {

    private static String roundTrip(String text) {
        Program p = Assembler.assemble(text);
        return p.insns().stream().map(Syntax::conformance).collect(Collectors.joining("\n"));
    }

    @Test
    void operandForms() {
        assertEquals("""
                mov %r0, 1
                mov %r0, 1
                mov32 %r0, -1
                mov32 %r0, -16
                ldxw %r0, [%r1+2]
                stxdw [%r10-8], %r1
                ldxb %r0, [%r1+0]
                ldxsh %r0, [%r1+16]
                stw [%r1+0], 305419896
                lddw %r1, 0xffffffffffffffff
                lddw %r1, 0x1
                lddw %r1, map_idx_value 2, 16
                bswap16 %r2
                bswap64 %r2
                be32 %r2
                movsx832 %r1, %r2
                movsx3264 %r1, %r2
                neg %r3
                sdiv32 %r1, 3
                lock add32 [%r1+4], %r2
                lock fetch or [%r1-4], %r2
                lock cmpxchg [%r1+0], %r2
                lock xchg32 [%r1+0], %r2
                ldabsw 12
                ldindb %r1, 4
                call 5
                call kfunc 9
                call %r3
                ja32 -1
                exit""", roundTrip("""
                mov %r0, 1
                mov64 %r0, 0x1
                mov32 %r0, 0xffffffff
                mov32 %r0, -0x10
                ldxw %r0, [%r1+2]
                stxdw [%r10-8], %r1
                ldxb %r0, [%r1]
                ldxsh %r0, [%r1+0x10]
                stw [%r1], 0x12345678
                lddw %r1, -1
                lddw %r1, 1
                lddw %r1, map_idx_value 2, 16
                swap16 %r2
                bswap64 %r2
                be32 %r2
                movsx832 %r1, %r2
                movsx3264 %r1, %r2
                neg64 %r3
                sdiv32 %r1, 3
                lock add32 [%r1+4], %r2
                lock fetch or [%r1-4], %r2
                lock cmpxchg [%r1], %r2
                lock xchg32 [%r1], %r2
                ldabsw 12
                ldindb %r1, 4
                call helper 5
                call kfunc 9
                call %r3
                ja32 -1
                exit"""));
    }

    @Test
    void labelsCountSlotsAndMayBeSpelledLikeMnemonics() {
        Program p = Assembler.assemble("""
                jne %r0, 0, exit
                lddw %r1, 0x100000000
                ja exit
                call local f
                exit:
                exit
                f: mov %r0, 2
                exit
                """);
        assertEquals("jne %r0, 0, +4", p.get(0).toString());
        assertEquals("ja +1", p.get(2).toString());
        assertEquals("call local +1", p.get(3).toString());
    }

    @Test
    void implicitExitLabelIsTheFirstExit() {
        Program p = Assembler.assemble("jeq %r1, 0, exit\nmov %r0, 1\nexit\nmov %r0, 2\nexit");
        assertEquals("jeq %r1, 0, +1", p.get(0).toString());
    }

    @Test
    void bytesOfAKnownProgram() {
        byte[] bytes = Encoder.encode(Assembler.assemble("lddw %r0, 0x1122334455667788\nexit"));
        assertEquals("1800000088776655000000004433221195" + "00000000000000", HexFormat.of().formatHex(bytes));
    }

    @Test
    void errorsAreOneLineWithTheLine() {
        assertError("mov %r0, %r11", "line 1: invalid register '%r11' (expected %r0..%r10)");
        assertError("mov %r0, %r01", "line 1: invalid register '%r01' (expected %r0..%r10)");
        assertError("exit\nfrob %r0", "line 2: invalid mnemonic 'frob'");
        assertError("mov %r0", "line 1: invalid operand count for mov: needs 2 operands, found 1");
        assertError("exit %r0", "line 1: invalid operand count for exit: needs 0 operands, found 1");
        assertError("mov32 %r0, 2147483648", "line 1: immediate 2147483648 is out of the signed 32-bit range (use hex for bit patterns)");
        assertError("mov32 %r0, 0x100000000", "line 1: immediate 0x100000000 does not fit in 32 bits (hex 0..0xffffffff)");
        assertError("mov32 %r0, 99999999999999999999999", "line 1: immediate 99999999999999999999999 is far out of range");
        assertError("mov32 %r0, 12z", "line 1: bad immediate '12z'");
        assertError("ldxb %r0, [%r1+0x10000]", "line 1: offset +0x10000 is out of the 16-bit range [-32768, 32767]");
        assertError("ldxb %r0, [%r1+]", "line 1: bad offset '+'");
        assertError("ja +32768", "line 1: offset +32768 is out of the 16-bit range [-32768, 32767]");
        assertError("ja nowhere\nexit", "line 1: unknown label 'nowhere'");
        assertError("a:\na:\nexit", "line 2: duplicate label 'a' (first defined on line 1)");
        assertError("lock\nexit", "line 1: lock needs an operation and 2 operands: lock [fetch] add|and|or|xor|xchg|cmpxchg[32] [%rX+off], %rY");
        assertError("lock nand [%r1], %r2", "line 1: invalid atomic operation 'nand' (add, and, or, xor, xchg, cmpxchg, with 32 for 32-bit)");
        assertError("movsx3232 %r1, %r2", "line 1: invalid mnemonic 'movsx3232'");
        assertError("neg %r1, 3", "line 1: invalid operand count for neg: needs 1 operand, found 2");
        assertError("mov %r1,", "line 1: empty operand in '%r1,'");
        assertError("lddw %r1, map_idx_value", "line 1: bad 64-bit constant 'map_idx_value'");
        assertError("call local 99999999999", "line 1: offset 99999999999 is out of the 32-bit range");
        assertError("# only a comment", "line 1: no instructions");
        assertError("ja +1\nexit", "line 1: branch target slot 2 is outside the program (2 slots)");
        assertError("ja +1\nlddw %r0, 1\nexit", "line 1: branch target slot 2 is the second half of lddw");
    }

    @Test
    void errorsUseTheGivenOriginAndFirstLine() {
        AssemblerException e = assertThrows(AssemblerException.class, () -> Assembler.assemble("exit\nbad", "f.data", 10));
        assertEquals("f.data:11: invalid mnemonic 'bad'", e.getMessage());
        assertEquals(11, e.line());
    }

    private static void assertError(String text, String expected) {
        AssemblerException e = assertThrows(AssemblerException.class, () -> Assembler.assemble(text));
        assertEquals(expected, e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }
}
