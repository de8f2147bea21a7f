package dev.ebpfc.frontend.elf;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.codec.Encoder;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// Robustness: the loader, fed truncated and corrupted fixtures, either loads a valid object or
/// throws a [FrontendException] with a one-line message naming the origin; nothing else escapes
/// (no index errors, no arithmetic errors, no out-of-memory). Seeded, so failures reproduce.
class ElfMutationTest {
    private static final long[] INTERESTING = {0, 1, 2, 7, 8, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffffL, 0x80000000L, 0xffffffffL,
        0x100000000L, Long.MAX_VALUE, -1L, Long.MIN_VALUE};

    static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(ObjectLoaderTest.FIXTURES.resolve(name));
    }

    /// Loads `bytes`; returns null on success, the message on a [FrontendException], and fails the
    /// test on anything else.
    static String attempt(byte[] bytes, String what) {
        try {
            BpfObject o = ObjectLoader.load(bytes, "m.o");
            for (ProgramDef p : o.programs()) assertEquals(p.program(), Decoder.decode(Encoder.encode(p.program())));
            return null;
        } catch (FrontendException e) {
            String m = e.getMessage();
            assertTrue(m.startsWith("m.o: ") && !m.contains("\n"), what + ": message " + m);
            return m;
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t, t);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket_tc.v3.o", "subprogs.v4.o"})
    void everyTruncationIsRejected(String name) throws IOException {
        byte[] full = fixture(name);
        for (int len = 0; len < full.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(full, len);
            // The section header table sits at the end, so every proper prefix is missing part of it.
            if (attempt(cut, name + " cut at " + len) == null) fail(name + " cut at " + len + " loaded");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"xdp_parse.v1.o", "global_data.v4.o", "subprogs.v3.o", "loop.v3.o", "legacy_maps.v1.o", "atomics.v4.o"})
    void randomByteFlips(String name) throws IOException {
        byte[] original = fixture(name);
        Random rnd = new Random(name.hashCode());
        for (int iter = 0; iter < 1500; iter++) {
            byte[] b = original.clone();
            int flips = 1 + rnd.nextInt(8);
            for (int k = 0; k < flips; k++) b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            attempt(b, name + " flip iteration " + iter);
        }
    }

    /// Overwrites fields of the structures the reader trusts least (section headers, symbols,
    /// relocations, BTF headers and type records) with boundary values.
    @ParameterizedTest
    @ValueSource(strings = {"xdp_parse.v3.o", "global_data.v2.o", "subprogs.v1.o", "loop.v4.o", "legacy_maps.v3.o", "v4_ops.v4.o"})
    void structuredFieldMutations(String name) throws IOException {
        byte[] original = fixture(name);
        ElfFile elf = ElfFile.parse(original, name);
        List<int[]> fields = new ArrayList<>(); // {offset, width}
        ByteBuffer bb = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
        int shoff = (int) bb.getLong(0x28);
        for (int off : new int[] {0x10, 0x12, 0x34, 0x3a, 0x3c, 0x3e}) fields.add(new int[] {off, 2});
        fields.add(new int[] {0x28, 8});
        for (ElfSection s : elf.sections()) {
            int h = shoff + s.index() * 64;
            for (int off : new int[] {0, 4, 40, 44}) fields.add(new int[] {h + off, 4});
            for (int off : new int[] {8, 24, 32, 56}) fields.add(new int[] {h + off, 8});
            if (s.type() == ElfSection.SHT_SYMTAB) {
                for (int i = 0; i < s.size() / 24; i++) {
                    int at = (int) s.offset() + i * 24;
                    fields.add(new int[] {at, 4});
                    fields.add(new int[] {at + 4, 1});
                    fields.add(new int[] {at + 6, 2});
                    fields.add(new int[] {at + 8, 8});
                    fields.add(new int[] {at + 16, 8});
                }
            }
            if (s.type() == ElfSection.SHT_REL) {
                for (int i = 0; i < s.size() / 16; i++) {
                    fields.add(new int[] {(int) s.offset() + i * 16, 8});
                    fields.add(new int[] {(int) s.offset() + i * 16 + 8, 4});
                    fields.add(new int[] {(int) s.offset() + i * 16 + 12, 4});
                }
            }
            if (s.name().equals(".BTF") || s.name().equals(".BTF.ext") || s.name().equals("maps")) {
                // Every aligned word: headers, type records, info records.
                for (long at = s.offset(); at + 4 <= s.offset() + s.size(); at += 4) fields.add(new int[] {(int) at, 4});
            }
            if (s.isExecutable()) {
                for (long at = s.offset(); at + 8 <= s.offset() + s.size(); at += 8) {
                    fields.add(new int[] {(int) at, 1});
                    fields.add(new int[] {(int) at + 1, 1});
                    fields.add(new int[] {(int) at + 2, 2});
                    fields.add(new int[] {(int) at + 4, 4});
                }
            }
        }
        Random rnd = new Random(~name.hashCode());
        int rejected = 0;
        for (int iter = 0; iter < 3000; iter++) {
            byte[] b = original.clone();
            int[] f = fields.get(rnd.nextInt(fields.size()));
            long v = rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)] : original.length + rnd.nextInt(9) - 4;
            for (int k = 0; k < f[1]; k++) b[f[0] + k] = (byte) (v >>> (8 * k));
            if (attempt(b, name + " field 0x" + Integer.toHexString(f[0]) + "/" + f[1] + " = " + v + " (iteration " + iter + ")") != null) rejected++;
        }
        assertTrue(rejected > 300, "mutations should mostly be caught, " + rejected + " were");
    }

    /// The Jazzer seed corpus (written by scripts/build-fixtures.sh) holds what its names say.
    @Test
    void seedCorpus() throws IOException {
        java.nio.file.Path dir = java.nio.file.Path.of("src/test/resources/dev/ebpfc/frontend/ElfLoaderFuzzTestInputs/loadNeverCrashes");
        try (var files = Files.list(dir)) {
            List<java.nio.file.Path> seeds = files.sorted().toList();
            assertTrue(seeds.size() >= 6);
            for (java.nio.file.Path seed : seeds) {
                String message = attempt(Files.readAllBytes(seed), seed.toString());
                assertEquals(seed.getFileName().toString().startsWith("valid-"), message == null, seed + ": " + message);
            }
        }
    }

    /// Counts the reader multiplies by (section count, BTF vlen, info record counts) set huge:
    /// rejected from the sizes at hand, never allocated.
    @Test
    void hugeCountsAreRejectedWithoutAllocating() throws IOException {
        byte[] original = fixture("xdp_parse.v3.o");
        ByteBuffer bb = ByteBuffer.wrap(original.clone()).order(ByteOrder.LITTLE_ENDIAN);
        bb.putShort(0x3c, (short) 0xffff);
        assertTrue(attempt(bb.array(), "shnum").contains("section header table"));

        ElfFile elf = ElfFile.parse(original, "x");
        ElfSection btf = elf.section(".BTF");
        int hdr = (int) btf.offset();
        int typeStart = hdr + ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getInt(hdr + 4)
                + ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getInt(hdr + 8);
        for (int i = 0; i < 64; i++) {
            // Raise vlen of whatever type header sits at each word near the start of the type section.
            byte[] b = original.clone();
            int at = typeStart + 4 * i + 4;
            b[at] = (byte) 0xff;
            b[at + 1] = (byte) 0xff;
            attempt(b, "vlen at " + at);
        }
        ElfSection ext = elf.section(".BTF.ext");
        for (long at = ext.offset(); at + 4 <= ext.offset() + ext.size(); at += 4) {
            byte[] b = original.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, 0x7fffffff);
            attempt(b, ".BTF.ext word at " + at);
        }
        ElfSection bss = new ElfSection(9, ".bss", ElfSection.SHT_NOBITS, 3, 0, 1L << 40, 0, 0, 8, 0);
        FrontendException e = org.junit.jupiter.api.Assertions.assertThrows(FrontendException.class, () -> elf.contents(bss));
        assertEquals("x: section 9 (.bss): size 1099511627776 is over the 4194304-byte limit for zero-filled sections", e.getMessage());
    }
}
