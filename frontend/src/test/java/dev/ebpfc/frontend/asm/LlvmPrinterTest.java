package dev.ebpfc.frontend.asm;

import dev.ebpfc.frontend.codec.Decoder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Exact LLVM spellings, one instruction at a time. Table rows are (bytes, text); the texts of
/// instructions LLVM 14 knows were obtained with `llvm-mc-14 --disassemble -triple=bpfel`, those
/// of v4 instructions and 32-bit fetch atomics with `llvm-mc-19 --disassemble -mattr=+alu32`, the
/// ebpfc extensions are marked.
class LlvmPrinterTest {
    private static final String[][] TABLE = {
        {"0701000001000000", "r1 += 1"},
        {"04010000ffffffff", "w1 += -1"},
        {"0f21000000000000", "r1 += r2"},
        {"0c21000000000000", "w1 += w2"},
        {"b701000000000080", "r1 = -2147483648"},
        {"bf21000000000000", "r1 = r2"},
        {"8701000000000000", "r1 = -r1"},
        {"8401000000000000", "w1 = -w1"},
        {"c701000003000000", "r1 s>>= 3"},
        {"cc21000000000000", "w1 s>>= w2"},
        {"3f21000000000000", "r1 /= r2"},
        {"a4010000ffffffff", "w1 ^= -1"},
        {"d401000010000000", "r1 = le16 r1"},
        {"dc01000020000000", "r1 = be32 r1"},
        {"2d21030000000000", "if r1 > r2 goto +3"},
        {"c601feff05000000", "if w1 s< 5 goto -2"},
        {"1e21feff00000000", "if w1 == w2 goto -2"},
        {"5501020000000000", "if r1 != 0 goto +2"},
        {"631afcff00000000", "*(u32 *)(r10 - 4) = r1"},
        {"7911080000000000", "r1 = *(u64 *)(r1 + 8)"},
        {"7111000000000000", "r1 = *(u8 *)(r1 + 0)"},
        {"18010000887766550000000044332211", "r1 = 1234605616436508552 ll"},
        {"18010000ffffffff00000000ffffffff", "r1 = -1 ll"},
        {"18110000010000000000000000000000", "ld_pseudo r1, 1, 1"},
        {"8500000001000000", "call 1"},
        {"9500000000000000", "exit"},
        {"db21000000000000", "lock *(u64 *)(r1 + 0) += r2"},
        {"c321040000000000", "lock *(u32 *)(r1 + 4) += r2"},
        {"db21000001000000", "r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)"},
        {"db21000050000000", "lock *(u64 *)(r1 + 0) &= r2"},
        {"db210000e1000000", "r2 = xchg_64(r1 + 0, r2)"},
        {"db210000f1000000", "r0 = cmpxchg_64(r1 + 0, r0, r2)"},
        {"0500030000000000", "goto +3"},
        {"300000000c000000", "r0 = *(u8 *)skb[12]"},
        {"5010000000000000", "r0 = *(u8 *)skb[r1]"},
        // v4 and alu32-only forms (llvm-mc 19).
        {"3f21010000000000", "r1 s/= r2"},
        {"9f21010000000000", "r1 s%= r2"},
        {"3c21010000000000", "w1 s/= w2"},
        {"d701000040000000", "r1 = bswap64 r1"},
        {"620afcff05000000", "*(u32 *)(r10 - 4) = 5"},
        {"9111000000000000", "r1 = *(s8 *)(r1 + 0)"},
        {"8911feff00000000", "r1 = *(s16 *)(r1 - 2)"},
        {"0600000003000000", "gotol +3"},
        {"4501020004000000", "if r1 & 4 goto +2"},
        {"bf21080000000000", "r1 = (s8)r2"},
        {"bc21100000000000", "w1 = (s16)w2"},
        {"bf21200000000000", "r1 = (s32)r2"},
        {"c321000001000000", "w2 = atomic_fetch_add((u32 *)(r1 + 0), w2)"},
        {"c3210000e1000000", "w2 = xchg32_32(r1 + 0, w2)"},
        {"c3210000f1000000", "w0 = cmpxchg32_32(r1 + 0, w0, w2)"},
        // ebpfc extensions where LLVM's text loses the encoding.
        {"85100000feffffff", "call pc-2"},
        {"8520070003000000", "call kfunc 3, 7"},
        {"8d02000000000000", "callx r2"},
        {"18210000010000000000000008000000", "ld_pseudo r1, 2, 1, 8"},
        {"5010000004000000", "r0 = *(u8 *)skb[r1 + 4]"},
    };

    @Test
    void printsTheLlvmSpelling() {
        for (String[] row : TABLE) {
            var insn = Decoder.decodeAt(slots(row[0]), 0);
            assertEquals(row[1], LlvmPrinter.print(insn), row[0]);
            assertEquals(insn, LlvmAssembler.parseInsn(row[1]), row[1]);
        }
    }

    @Test
    void assemblerAcceptsLabelsAnnotationsAndComments() {
        var p = LlvmAssembler.assemble("""
                entry:
                    r0 = 0          # comment
                    if r1 < r2 goto out <LBB0_2>
                    r0 += 1 ; another
                out:
                    call helper
                helper:
                    exit
                """);
        assertEquals("if r1 < r2 goto +1", LlvmPrinter.print(p.get(1)));
        assertEquals("call pc+0", LlvmPrinter.print(p.get(3)));
    }

    @Test
    void assemblerErrorsAreOneLineWithTheLine() {
        assertError("r0 = 1\nr11 = 2", "line 2: invalid register r11 (r0..r10)");
        assertError("w1 += r2", "line 1: register r2 mixes 32-bit (w) and 64-bit (r) operands");
        assertError("r1 += 4294967296", "line 1: immediate 4294967296 is out of the signed 32-bit range (use hex for bit patterns)");
        assertError("goto nowhere", "line 1: unknown label 'nowhere'");
        assertError("a:\na:\nexit", "line 2: duplicate label 'a' (first defined on line 1)");
        assertError("r1 = frob r2", "line 1: cannot parse instruction 'r1 = frob r2'");
        assertError("r1 = *(u64 *)(r1 + 40000)", "line 1: offset +40000 is out of the 16-bit range [-32768, 32767]");
        assertError("", "line 1: no instructions");
    }

    private static void assertError(String text, String expected) {
        AssemblerException e = assertThrows(AssemblerException.class, () -> LlvmAssembler.assemble(text));
        assertEquals(expected, e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    private static long[] slots(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long[] slots = new long[bytes.length / 8];
        for (int i = 0; i < slots.length; i++) slots[i] = buf.getLong();
        return slots;
    }
}
