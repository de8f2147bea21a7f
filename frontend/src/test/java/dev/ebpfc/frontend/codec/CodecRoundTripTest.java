package dev.ebpfc.frontend.codec;

import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.testing.Conformance;
import dev.ebpfc.frontend.testing.InsnGenerator;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// `encode(decode(bytes)) == bytes` for all conformance programs and generated valid instructions,
/// and random bytes either decode to something that re-encodes identically or raise
/// [EncodingException], never another exception.
class CodecRoundTripTest {

    @Test
    void conformanceProgramsReencodeIdentically() {
        int n = 0;
        for (Path p : Conformance.tests()) {
            byte[] bytes = Encoder.encode(DataFileReader.read(p).program());
            assertArrayEquals(bytes, Encoder.encode(Decoder.decode(bytes)), p.toString());
            n++;
        }
        assertEquals(313, n);
    }

    @Test
    void generatedInstructionsOfEveryKindReencodeIdentically() {
        InsnGenerator gen = new InsnGenerator(1);
        EnumSet<InsnGenerator.Kind> seen = EnumSet.noneOf(InsnGenerator.Kind.class);
        for (int i = 0; i < 50000; i++) {
            InsnGenerator.Kind kind = gen.kind();
            seen.add(kind);
            Insn insn = gen.next(kind);
            long[] slots = slots(insn);
            assertEquals(insn, Decoder.decodeAt(slots, 0), insn.toString());
        }
        assertEquals(EnumSet.allOf(InsnGenerator.Kind.class), seen);
        for (int i = 0; i < 2000; i++) {
            Program program = gen.program(1 + i % 50);
            byte[] bytes = Encoder.encode(program);
            assertEquals(program, Decoder.decode(bytes));
            assertArrayEquals(bytes, Encoder.encode(Decoder.decode(bytes)));
        }
    }

    @Test
    void randomBytesDecodeExactlyOrFailWithEncodingException() {
        SplittableRandom random = new SplittableRandom(99);
        int decoded = 0, rejected = 0;
        for (int i = 0; i < 200000; i++) {
            long v = random.nextLong();
            // Bias a third of the samples towards plausible opcodes with small fields.
            if (i % 3 == 0) v &= 0x0000_00ff_0000_bbffL;
            byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
            try {
                Program p = Decoder.decode(bytes);
                assertArrayEquals(bytes, Encoder.encode(p), HexFormat.of().formatHex(bytes));
                decoded++;
            } catch (EncodingException e) {
                assertTrue(!e.getMessage().contains("\n"), e.getMessage());
                rejected++;
            } catch (RuntimeException e) {
                fail("bytes " + HexFormat.of().formatHex(bytes) + " raised " + e, e);
            }
        }
        assertTrue(decoded > 100, "some random instructions decode: " + decoded);
        assertTrue(rejected > 100, "most random instructions are rejected: " + rejected);
    }

    @Test
    void truncatedProgramsAreEncodingErrors() {
        for (int len = 0; len < 24; len++) {
            byte[] bytes = new byte[len];
            if (len > 0) bytes[0] = 0x18;
            try {
                Decoder.decode(bytes);
            } catch (EncodingException e) {
                continue;
            } catch (RuntimeException e) {
                fail(len + " bytes raised " + e, e);
            }
        }
    }

    private static long[] slots(Insn insn) {
        RawInsn[] raw = Encoder.encode(insn);
        long[] slots = new long[raw.length];
        for (int i = 0; i < raw.length; i++) slots[i] = raw[i].toLong();
        return slots;
    }
}
