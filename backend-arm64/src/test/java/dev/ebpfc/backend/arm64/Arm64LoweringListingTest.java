package dev.ebpfc.backend.arm64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.object.ProgramDef;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The -O0 listing: every instruction line of every conformance program's listing, with LL/SC
/// and with LSE atomics, must be what GNU objdump prints for the bytes at that offset (so the
/// listing is the real code, printed by [Arm64Printer]), and the shapes the lowering promises
/// (pool loads, W-register ALU32, division without guards, atomics) are there.
class Arm64LoweringListingTest {
    private static final Arm64Target TARGET = new Arm64Target();

    static CompiledProgram compile(String asm, CompileOptions options) {
        return TARGET.compile(ProgramDef.of("t", Assembler.assemble(asm)), options);
    }

    @Test
    void smallProgramListing() {
        CompiledProgram c = compile("""
                lddw %r1, 0x1122334455667788
                mov %r4, 3
                lsh %r1, %r4
                div %r0, %r1
                mod32 %r0, %r1
                add32 %r0, -1
                jslt %r0, -5, +1
                call 1
                exit
                """, CompileOptions.O0);
        String listing = c.listing();
        System.out.println(listing);
        assertTrue(listing.startsWith("; prologue\n"), listing);
        assertTrue(listing.contains("stp x29, x30, [sp, #-32]!"), listing);
        assertTrue(listing.contains("; unwind / exit at depth 0"), listing);
        assertTrue(listing.contains("mov x0, #0x7788"), listing);
        assertTrue(listing.contains("movk x0, #0x1122, lsl #48"), listing);
        assertTrue(listing.contains("lsl x0, x0, x3"), "lslv masks the count like BPF:\n" + listing);
        assertTrue(listing.contains("udiv x7, x7, x0"), listing);
        assertTrue(listing.contains("udiv w10, w7, w0") && listing.contains("msub w7, w10, w0, w7"), listing);
        assertTrue(listing.contains("sub w7, w7, #0x1"), listing);
        assertTrue(listing.contains("cmn x7, #0x5"), listing);
        assertFalse(listing.contains("cbz"), "no division guards:\n" + listing);
        assertTrue(listing.contains("ldr x16, 0x"), listing);
        assertTrue(listing.contains("blr x16") && listing.contains("mov x7, x0"), listing);
        assertEquals(List.of(new PoolEntry.Helper(1), new PoolEntry.Runtime(RuntimeEntry.ERROR)), c.pool());
        int[] slots = c.slotOffsets();
        assertEquals(-1, slots[1], "second half of lddw has no code");
        assertEquals(0, c.entryOffset());
        assertEquals(2, c.slotAt(slots[2]));
        assertEquals(0, c.slotAt(slots[2] - 1));
    }

    @Test
    void atomicsLlScAndLse() {
        String asm = """
                mov %r2, %r1
                lock add [%r1+8], %r2
                lock fetch and32 [%r1+0], %r3
                lock xchg [%r1+16], %r4
                lock cmpxchg32 [%r1+16], %r5
                exit
                """;
        String llsc = compile(asm, CompileOptions.O0).listing();
        String lse = compile(asm, CompileOptions.O0.withLse(true)).listing();
        System.out.println(lse);
        for (String s : List.of("ldaxr x11, [x10]", "stlxr w13, x12, [x10]", "cbnz w13", "ldaxr w11, [x0]", "and w12, w11, w2",
                "mov w2, w11", "cmp w11, w7", "mov w7, w11")) {
            assertTrue(llsc.contains(s), s + " in\n" + llsc);
        }
        for (String s : List.of("stadd x1, [x10]", "mvn w11, w2", "ldclral w11, w2, [x0]", "swpal x3, x3, [x10]",
                "casal w7, w4, [x10]")) {
            assertTrue(lse.contains(s), s + " in\n" + lse);
        }
        assertFalse(lse.contains("ldaxr"), lse);
    }

    @Test
    void listingsMatchObjdumpOnEveryConformanceProgram() throws Exception {
        Path tests = Path.of(System.getProperty("ebpfc.conformance.dir"), "tests");
        List<Path> files;
        try (Stream<Path> s = Files.list(tests)) {
            files = s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
        List<String> mismatches = new ArrayList<>();
        int lines = 0;
        for (CompileOptions options : List.of(CompileOptions.O0, CompileOptions.O0.withLse(true))) {
            for (Path f : files) {
                CompiledProgram c = TARGET.compile(ProgramDef.of(f.getFileName().toString(), DataFileReader.read(f).program()), options);
                Map<Integer, String> dis = Arm64ObjdumpOracleTest.objdump(Arrays.copyOf(c.code(), c.codeSize()));
                for (String line : c.listing().split("\n")) {
                    if (line.startsWith(";") || line.contains("pool[")) continue;
                    int colon = line.indexOf(':');
                    int offset = Integer.parseInt(line.substring(0, colon).trim(), 16);
                    String rest = line.substring(colon + 1).trim();
                    String text = Arm64ObjdumpOracleTest.normalize(rest.substring(rest.indexOf(' ') + 1));
                    lines++;
                    if (!text.equals(dis.get(offset))) {
                        mismatches.add(f.getFileName() + " at 0x" + Integer.toHexString(offset) + ": listing '" + text + "', objdump '" + dis.get(offset) + "'");
                    }
                }
            }
        }
        assertTrue(lines > 10000, lines + " lines");
        System.out.println("Arm64LoweringListingTest: " + lines + " listing lines equal objdump's");
        assertEquals("", String.join("\n", mismatches.subList(0, Math.min(10, mismatches.size()))), mismatches.size() + " mismatches");
    }
}
