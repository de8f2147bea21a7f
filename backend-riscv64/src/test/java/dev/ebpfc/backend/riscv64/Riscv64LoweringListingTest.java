package dev.ebpfc.backend.riscv64;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The -O0 listing: every instruction line of every conformance program's listing must be what
/// GNU objdump prints for the bytes at that offset (so the listing is the real code, printed by
/// [Riscv64Printer], one line per machine instruction even where one relaxable item holds
/// several), slot notes come in slot order, and the pool follows the code.
class Riscv64LoweringListingTest {
    private static final Riscv64Target TARGET = new Riscv64Target();

    static CompiledProgram compile(String asm) {
        return TARGET.compile(ProgramDef.of("t", Assembler.assemble(asm)), CompileOptions.O0);
    }

    @Test
    void smallProgramListing() {
        CompiledProgram c = compile("""
                lddw %r1, 0x1122334455667788
                mov32 %r4, 3
                add32 %r4, %r1
                lsh %r1, %r4
                div %r0, %r1
                call 1
                exit
                """);
        String listing = c.listing();
        System.out.println(listing);
        assertTrue(listing.startsWith("; prologue\n"), listing);
        assertTrue(listing.contains("; exit at depth 0 / unwind"), listing);
        assertTrue(listing.contains("addw a3,a3,a0"), "r4 is a3, r1 is a0:\n" + listing);
        assertTrue(listing.contains("sll a3,a3,0x20\n") || listing.contains("sll a3,a3,0x20"), "zero-extension after add32:\n" + listing);
        assertTrue(listing.contains("sll a0,a0,a3"), listing);
        assertTrue(listing.contains("divu a5,a5,a0"), listing);
        assertTrue(listing.contains("seqz t0,a0"), "the division-by-zero mask:\n" + listing);
        assertTrue(listing.contains("jalr t6"), "helper call through the pool:\n" + listing);
        assertTrue(listing.contains("mv a5,a0"), "helper result into r0:\n" + listing);
        assertEquals(List.of(new PoolEntry.Helper(1), new PoolEntry.Runtime(RuntimeEntry.ERROR)), c.pool());
        int[] slots = c.slotOffsets();
        assertEquals(-1, slots[1], "second half of lddw has no code");
        for (int s = 3; s < slots.length; s++) assertTrue(slots[s] > slots[s - 1], "slot order");
        assertEquals(0, c.entryOffset());
        assertEquals(2, c.slotAt(slots[2]));
        assertEquals(0, c.slotAt(slots[2] - 4));
        assertEquals(0, c.code().length % 4);
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
            Map<Integer, String> dis = Riscv64ObjdumpOracleTest.objdump(Arrays.copyOf(c.code(), c.codeSize()), "-D", "-b", "binary", "-m", "riscv:rv64");
            int instructions = 0;
            for (String line : c.listing().split("\n")) {
                if (line.startsWith(";") || line.contains("pool[")) continue;
                int colon = line.indexOf(':');
                int offset = Integer.parseInt(line.substring(0, colon).trim(), 16);
                String rest = line.substring(colon + 1).trim();
                String text = Riscv64ObjdumpOracleTest.normalize(rest.substring(rest.indexOf(' ') + 1));
                lines++;
                instructions++;
                if (!text.equals(dis.get(offset))) mismatches.add(f.getFileName() + " at 0x" + Integer.toHexString(offset) + ": listing '" + text + "', objdump '" + dis.get(offset) + "'");
            }
            // The pool is 8-aligned: up to 4 bytes of padding follow the last instruction.
            int unlisted = c.codeSize() - 4 * instructions;
            assertTrue(unlisted == 0 || unlisted == 4, f + ": one listing line per 4-byte instruction, " + unlisted + " bytes unlisted");
        }
        assertTrue(lines > 5000, lines + " lines");
        assertEquals("", String.join("\n", mismatches.subList(0, Math.min(10, mismatches.size()))), mismatches.size() + " mismatches");
    }
}
