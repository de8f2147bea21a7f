package dev.ebpfc.backend;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Branch relaxation on a toy ISA whose instructions are strings: `nopN` is N bytes, a branch is
/// 2 bytes (short, reaching -128..127 from its end) or 5 bytes (near). Encodings write the
/// target into the bytes, so the tests can read back where each branch points.
class CodeBufferTest {
    /// Toy encoder: `nopN` → N bytes 0x90; `jS:T` → 0xeb, rel8; `jN:T` → 0xe9, rel32.
    static final class ToyEncoder implements CodeBuffer.Encoder<String> {
        final List<Byte> out = new ArrayList<>();

        @Override
        public void emit(String insn) {
            if (insn.startsWith("nop")) {
                for (int i = Integer.parseInt(insn.substring(3)); i > 0; i--) out.add((byte) 0x90);
                return;
            }
            int target = Integer.parseInt(insn.substring(3));
            if (insn.charAt(1) == 'S') {
                int rel = target - (out.size() + 2);
                if (rel != (byte) rel) throw new IllegalArgumentException("rel8 out of range: " + rel);
                out.add((byte) 0xeb);
                out.add((byte) rel);
            } else {
                int rel = target - (out.size() + 5);
                out.add((byte) 0xe9);
                for (int i = 0; i < 4; i++) out.add((byte) (rel >>> (8 * i)));
            }
        }

        @Override
        public int position() {
            return out.size();
        }

        @Override
        public byte[] toByteArray() {
            byte[] b = new byte[out.size()];
            for (int i = 0; i < b.length; i++) b[i] = out.get(i);
            return b;
        }
    }

    static final CodeBuffer.Branch<String> JUMP = new CodeBuffer.Branch<>() {
        @Override
        public int forms() {
            return 2;
        }

        @Override
        public String insn(int form, int target) {
            return (form == 0 ? "jS:" : "jN:") + target;
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return form == 1 || (target - end) == (byte) (target - end);
        }
    };

    static CodeBuffer<String> buffer() {
        return new CodeBuffer<>(ToyEncoder::new);
    }

    @Test
    void nearbyBranchesStayShortInOnePass() {
        CodeBuffer<String> b = buffer();
        CodeBuffer.Label l = b.label("l");
        b.emit(JUMP, l);
        b.emit("nop10");
        b.bind(l);
        b.emit(JUMP, l); // backward, to itself
        CodeBuffer.Assembled<String> a = b.assemble();
        assertEquals(1, b.passes());
        assertArrayEquals(new byte[]{(byte) 0xeb, 10, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90,
            (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0xeb, (byte) 0xfe}, a.code());
        assertEquals(12, l.offset());
    }

    @Test
    void farBranchGrowsToNear() {
        CodeBuffer<String> b = buffer();
        CodeBuffer.Label l = b.label("l");
        b.emit(JUMP, l);
        b.emit("nop200");
        b.bind(l);
        CodeBuffer.Assembled<String> a = b.assemble();
        assertEquals(2, b.passes());
        assertEquals(205, l.offset());
        assertEquals((byte) 0xe9, a.code()[0]);
        assertEquals(200, (a.code()[1] & 0xff) | (a.code()[2] & 0xff) << 8);
    }

    /// Growing one branch pushes the next out of reach, one per pass: n branches B0..B5 first,
    /// then their labels. B5 starts out of reach; Bi (i < 5) is placed so that its distance is
    /// 127 − 3·(4 − i) bytes: in reach until every later branch has grown by 3 bytes. The chain
    /// settles after n + 1 passes, the bound [CodeBuffer#assemble] asserts, and every branch
    /// lands on its label.
    @Test
    void growthCascadesOnePassPerBranch() {
        CodeBuffer<String> b = buffer();
        int n = 6;
        List<CodeBuffer.Label> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) labels.add(b.label("l" + i));
        for (int i = 0; i < n; i++) b.emit(JUMP, labels.get(i));
        int pos = 2 * n;
        for (int i = 0; i < n; i++) {
            int at = i < n - 1 ? 2 * i + 2 + 127 - 3 * (n - 2 - i) : 2 * n + 130;
            b.emit("nop" + (at - pos));
            pos = at;
            b.bind(labels.get(i));
        }
        CodeBuffer.Assembled<String> a = b.assemble();
        assertEquals(n + 1, b.passes());
        byte[] code = a.code();
        for (int i = 0; i < n; i++) {
            int at = 5 * i;
            assertEquals((byte) 0xe9, code[at], "branch " + i + " is near");
            int rel = (code[at + 1] & 0xff) | (code[at + 2] & 0xff) << 8 | (code[at + 3] & 0xff) << 16 | code[at + 4] << 24;
            assertEquals(labels.get(i).offset(), at + 5 + rel, "branch " + i + " target");
        }
    }

    @Test
    void labelsAfterTheCodeAreAlignedAndUnboundLabelsAreRefused() {
        CodeBuffer<String> b = buffer();
        CodeBuffer.Label pool = b.label("pool");
        b.emit(JUMP, pool);
        b.emit("nop3");
        b.bindAfterCode(pool, 8, 16);
        b.assemble();
        assertEquals(8 + 16, pool.offset());

        CodeBuffer<String> c = buffer();
        c.emit(JUMP, c.label("nowhere"));
        assertThrows(IllegalStateException.class, c::assemble);
    }
}
