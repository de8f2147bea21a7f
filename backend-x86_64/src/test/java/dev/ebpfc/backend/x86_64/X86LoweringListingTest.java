package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.object.ProgramDef;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The -O0 listing: every instruction line of every conformance program's listing must be what
/// GNU objdump prints for the bytes at that offset (so the listing is the real code, printed by
/// [X86Printer]), slot notes come in slot order, and the pool follows the code.
class X86LoweringListingTest {
    private static final X86Target TARGET = new X86Target();

    static CompiledProgram compile(String asm) {
        return TARGET.compile(ProgramDef.of("t", Assembler.assemble(asm)), CompileOptions.O0);
    }

    @Test
    void smallProgramListing() {
        CompiledProgram c = compile("""
                lddw %r1, 0x1122334455667788
                mov %r4, 3
                lsh %r1, %r4
                div %r0, %r1
                call 1
                exit
                """);
        String listing = c.listing();
        System.out.println(listing);
        assertTrue(listing.startsWith("; prologue\n"), listing);
        assertTrue(listing.contains("; unwind / exit at depth 0"), listing);
        assertTrue(listing.contains("movabs $0x1122334455667788,%rdi"), listing);
        assertTrue(listing.contains("shl %cl,%rdi"), "r4 is rcx, so the shift needs no shuffle:\n" + listing);
        assertTrue(listing.contains("div %r11"), listing);
        assertTrue(listing.contains("call *"), listing);
        assertEquals(List.of(new PoolEntry.Helper(1), new PoolEntry.Runtime(dev.ebpfc.backend.RuntimeEntry.ERROR)), c.pool());
        int[] slots = c.slotOffsets();
        assertEquals(-1, slots[1], "second half of lddw has no code");
        for (int s = 2; s < slots.length; s++) assertTrue(slots[s] > slots[s - 1 == 1 ? 0 : s - 1], "slot order");
        assertEquals(0, c.entryOffset());
        assertEquals(2, c.slotAt(slots[2]));
        assertEquals(0, c.slotAt(slots[2] - 1));
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
        for (Path f : files) {
            CompiledProgram c = TARGET.compile(ProgramDef.of(f.getFileName().toString(), DataFileReader.read(f).program()), CompileOptions.O0);
            lines += X86ObjdumpOracleTest.listingMismatches(f.getFileName().toString(), c, mismatches);
        }
        assertTrue(lines > 5000, lines + " lines");
        assertEquals("", String.join("\n", mismatches.subList(0, Math.min(10, mismatches.size()))), mismatches.size() + " mismatches");
    }
}
