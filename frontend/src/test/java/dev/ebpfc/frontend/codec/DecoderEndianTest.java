package dev.ebpfc.frontend.codec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/// A byte swap of a width other than 16, 32 or 64 is bad input, reported as such (found by the
/// ELF loader's mutation test: it used to escape as an IllegalArgumentException from the model).
class DecoderEndianTest {
    @Test
    void badByteSwapWidthIsAnEncodingError() {
        long le24 = 0xd4L | (24L << 32); // le32 r0 with width 24
        EncodingException e = assertThrows(EncodingException.class, () -> Decoder.decode(new long[] {le24, 0x95}));
        assertEquals("insn 0 (byte offset 0): byte swap width 24 is not 16, 32 or 64", e.getMessage());
    }
}
