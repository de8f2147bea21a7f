package dev.ebpfc.frontend;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.codec.EncodingException;
import dev.ebpfc.frontend.codec.Encoder;
import dev.ebpfc.frontend.insn.Program;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/// Coverage-guided fuzzing of the decoder. In the normal build this runs in regression mode over
/// the committed seed corpus (`DecoderFuzzTestInputs/decodeNeverCrashes`); with `JAZZER_FUZZ=1`
/// it fuzzes. Property: any bytes either decode to a program that re-encodes to the same bytes,
/// or are rejected with an [EncodingException]; nothing else escapes.
class DecoderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void decodeNeverCrashes(byte[] bytes) {
        Program p;
        try {
            p = Decoder.decode(bytes);
        } catch (EncodingException expected) {
            return;
        }
        assertArrayEquals(bytes, Encoder.encode(p));
    }
}
