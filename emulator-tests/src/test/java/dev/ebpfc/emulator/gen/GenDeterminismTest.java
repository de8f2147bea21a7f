package dev.ebpfc.emulator.gen;

import dev.ebpfc.frontend.codec.Encoder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Same seed, same program bytes and memory, from separate generator instances; different seeds
/// give different programs.
class GenDeterminismTest {
    @Test
    void sameSeedSameBytes() {
        for (long seed : new long[]{0, 1, 42, 1234567, -1, Long.MIN_VALUE, 0xdeadbeefL}) {
            GeneratedProgram a = new ProgramGenerator().generate(seed);
            GeneratedProgram b = new ProgramGenerator().generate(seed);
            assertArrayEquals(Encoder.encode(a.program()), Encoder.encode(b.program()), "seed " + seed);
            assertArrayEquals(a.mem(), b.mem(), "seed " + seed);
        }
    }

    @Test
    void interleavingDoesNotMatter() {
        ProgramGenerator gen = new ProgramGenerator();
        byte[] first = Encoder.encode(gen.generate(7).program());
        gen.generate(8);
        gen.generate(9);
        assertArrayEquals(first, Encoder.encode(gen.generate(7).program()));
    }

    @Test
    void differentSeedsDiffer() {
        ProgramGenerator gen = new ProgramGenerator();
        int same = 0;
        for (long seed = 0; seed < 100; seed++) {
            if (gen.generate(seed).program().equals(gen.generate(seed + 1000).program())) same++;
        }
        assertTrue(same == 0, same + " collisions");
        assertFalse(gen.generate(1).program().equals(gen.generate(2).program()));
    }
}
