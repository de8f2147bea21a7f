package dev.ebpfc.backend.arm64;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// [LogicalImmediate] checked exhaustively over every `N:immr:imms` field, and against an
/// independent brute-force predicate on a large seeded sample of near-miss values.
class Arm64LogicalImmediateTest {

    /// All values decodable at `width`, from all 2^13 fields.
    static Set<Long> allValues(int width) {
        Set<Long> values = new TreeSet<>();
        for (int f = 0; f < 1 << 13; f++) {
            OptionalLong v = LogicalImmediate.decode(f, width);
            if (v.isPresent()) values.add(v.getAsLong());
        }
        return values;
    }

    /// Independent predicate, written without rotations of runs: a value is a bitmask immediate iff
    /// for some element size e it repeats its low e bits, and those e bits, read as a circle, switch
    /// between 0 and 1 exactly twice (one run of ones, one of zeros).
    static boolean bruteForce(long value, int width) {
        if (width == 32 && (value >>> 32) != 0) return false;
        for (int e = 2; e <= width; e *= 2) {
            boolean repeats = true;
            for (int i = e; i < width && repeats; i++) {
                repeats = ((value >>> i) & 1) == ((value >>> (i % e)) & 1);
            }
            if (!repeats) continue;
            int transitions = 0;
            for (int i = 0; i < e; i++) {
                if (((value >>> i) & 1) != ((value >>> ((i + 1) % e)) & 1)) transitions++;
            }
            if (transitions == 2) return true;
        }
        return false;
    }

    @Test
    void countsOfEncodableValues() {
        // Sum over element sizes e of e * (e - 1) (run length 1..e-1, rotation 0..e-1).
        assertEquals(5334, allValues(64).size());
        assertEquals(1302, allValues(32).size());
    }

    @Test
    void everyFieldRoundTrips() {
        for (int width : new int[] {32, 64}) {
            int canonical = 0;
            for (int f = 0; f < 1 << 13; f++) {
                OptionalLong v = LogicalImmediate.decode(f, width);
                if (v.isEmpty()) continue;
                assertTrue(bruteForce(v.getAsLong(), width), "decoded value passes the predicate: " + Long.toHexString(v.getAsLong()));
                OptionalInt back = LogicalImmediate.encode(v.getAsLong(), width);
                assertTrue(back.isPresent(), "re-encodes " + Long.toHexString(v.getAsLong()));
                assertEquals(v.getAsLong(), LogicalImmediate.decode(back.getAsInt(), width).getAsLong());
                // The encoder's field is the canonical one: immr below the element size. Other
                // fields differ only in immr bits the decoder ignores.
                if (back.getAsInt() == f) canonical++;
                else assertEquals(back.getAsInt() & ~(0x3f << 6), f & ~(0x3f << 6), "only immr differs for field " + f);
            }
            assertEquals(width == 64 ? 5334 : 1302, canonical, "one canonical field per value at width " + width);
        }
    }

    @Test
    void rejectsTheUnencodable() {
        for (int width : new int[] {32, 64}) {
            assertFalse(LogicalImmediate.fits(0, width));
            assertFalse(LogicalImmediate.fits(width == 64 ? -1L : 0xffff_ffffL, width));
            assertFalse(LogicalImmediate.fits(0x1234, width));
            assertFalse(LogicalImmediate.fits(0b101, width));
        }
        assertFalse(LogicalImmediate.fits(-1L, 32), "32-bit values must be zero-extended");
        assertFalse(LogicalImmediate.fits(0x1_0000_00ffL, 32));
        assertTrue(LogicalImmediate.fits(0xff, 32));
        assertTrue(LogicalImmediate.fits(0x8000_0001L, 32));
        assertTrue(LogicalImmediate.fits(0x5555_5555_5555_5555L, 64));
        assertTrue(LogicalImmediate.fits(0x7fff_ffff_ffff_ffffL, 64));
        assertTrue(LogicalImmediate.fits(Long.MIN_VALUE, 64));
        // Reserved fields: N=1 at 32 bits, element size below 2, a run filling its element.
        assertTrue(LogicalImmediate.decode(1 << 12, 32).isEmpty());
        assertTrue(LogicalImmediate.decode(0b0_000000_111110, 64).isEmpty());
        assertTrue(LogicalImmediate.decode(0b0_000000_111111, 64).isEmpty());
        assertTrue(LogicalImmediate.decode(0b1_000000_111111, 64).isEmpty());
        assertTrue(LogicalImmediate.decode(0b0_000000_011111, 32).isEmpty());
    }

    /// A large seeded sample where encodable values are common: random longs, encodable values with
    /// a bit flipped or rotated by a random amount, runs of random length and position, and
    /// repeated random elements.
    @Test
    void agreesWithBruteForceOnSample() {
        Random r = new Random(0x5eed_10c1L);
        Long[] all64 = allValues(64).toArray(new Long[0]);
        Set<Long> encodable = new HashSet<>();
        int samples = 0;
        for (int i = 0; i < 400_000; i++) {
            long v = switch (i % 5) {
                case 0 -> r.nextLong();
                case 1 -> all64[r.nextInt(all64.length)] ^ (1L << r.nextInt(64));
                case 2 -> Long.rotateRight(all64[r.nextInt(all64.length)], r.nextInt(64)) ^ (r.nextInt(4) == 0 ? r.nextLong() & r.nextLong() & r.nextLong() : 0);
                case 3 -> Long.rotateRight((1L << r.nextInt(64)) - 1, r.nextInt(64));
                default -> {
                    int e = 2 << r.nextInt(6);
                    long elem = e == 64 ? r.nextLong() : r.nextLong() & ((1L << e) - 1);
                    long x = elem;
                    for (int k = e; k < 64; k *= 2) x |= x << k;
                    yield x;
                }
            };
            for (int width : new int[] {32, 64}) {
                long w = width == 32 && r.nextBoolean() ? v & 0xffff_ffffL : v;
                boolean fits = LogicalImmediate.fits(w, width);
                assertEquals(bruteForce(w, width), fits, () -> "0x" + Long.toHexString(w) + " at " + width);
                if (fits) {
                    assertEquals(w, LogicalImmediate.decode(LogicalImmediate.encode(w, width).getAsInt(), width).getAsLong());
                    encodable.add(w);
                }
                samples++;
            }
        }
        assertTrue(samples >= 800_000);
        assertTrue(encodable.size() > 3000, "the sample reaches many encodable values: " + encodable.size());
    }
}
