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
import java.util.Set;
import java.util.regex.Pattern;
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

    /// Zba/Zbb replace the multi-instruction sequences one BPF instruction at a time; without
    /// them none of these instructions appears.
    @Test
    void bitManipShortensExtensionsSwapsAndMasks() {
        String asm = """
                mov32 %r2, %r1
                be16 %r2
                be32 %r3
                be64 %r4
                le16 %r5
                movsx864 %r0, %r1
                movsx1664 %r0, %r1
                and %r1, 0xffff
                exit
                """;
        ProgramDef p = ProgramDef.of("t", Assembler.assemble(asm));
        CompiledProgram base = TARGET.compile(p, CompileOptions.O0);
        CompiledProgram zb = TARGET.compile(p, CompileOptions.O0.withFeatures(Set.of("zba", "zbb")));
        String listing = zb.listing();
        for (String want : new String[]{"zext.w a1,a0", "rev8 a1,a1", "srl a1,a1,0x30", "rev8 a2,a2", "srl a2,a2,0x20", "rev8 a3,a3",
            "zext.h a4,a4", "sext.b a5,a0", "sext.h a5,a0", "lui t1,0xffff0", "andn a0,a0,t1"}) {
            assertTrue(listing.contains(want + "\n"), want + " in\n" + listing);
        }
        for (String never : new String[]{"zext.w", "zext.h", "sext.b", "sext.h", "rev8", "andn"}) assertTrue(!base.listing().contains(never), never + " in baseline code");
        assertTrue(zb.codeSize() < base.codeSize() - 4 * 30, zb.codeSize() + " vs " + base.codeSize());
        String zbaOnly = TARGET.compile(p, CompileOptions.O0.withFeatures(Set.of("zba"))).listing();
        assertTrue(zbaOnly.contains("zext.w a1,a0") && !zbaOnly.contains("rev8"), zbaOnly);
    }

    @Test
    void unknownFeaturesAreRefused() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TARGET.compile(ProgramDef.of("t", Assembler.assemble("exit")), CompileOptions.O0.withFeatures(Set.of("zbs"))));
        assertTrue(e.getMessage().contains("unknown riscv64 feature 'zbs'"), e.getMessage());
    }

    @Test
    void listingsMatchObjdumpOnEveryConformanceProgram() throws Exception {
        check(CompileOptions.O0, false);
    }

    /// With Zba/Zbb the code is wrapped in an ELF object whose arch attribute names them (objdump
    /// 2.40 decodes them only then, see [Riscv64ObjdumpOracleTest]); its branch targets print as
    /// `4c <.text+0x4c>`, rewritten to the printer's `0x4c`. The extensions must actually show up.
    @Test
    void bitManipListingsMatchObjdumpOnEveryConformanceProgram() throws Exception {
        check(CompileOptions.O0.withFeatures(Set.of("zba", "zbb")), true);
    }

    /// With C, the listing's 2-byte lines must sit where objdump (which decodes compressed forms
    /// in raw binaries by default) finds them, printed as their 32-bit meaning.
    @Test
    void compressedListingsMatchObjdumpOnEveryConformanceProgram() throws Exception {
        check(CompileOptions.O0.withFeatures(Set.of("c")), false);
    }

    private static final Pattern ELF_TARGET = Pattern.compile("\\b([0-9a-f]+) <\\.text(\\+0x[0-9a-f]+)?>");

    private static void check(CompileOptions options, boolean bitManip) throws Exception {
        Riscv64Features features = Riscv64Features.named(options.features());
        Path tests = Path.of(System.getProperty("ebpfc.conformance.dir"), "tests");
        List<Path> files;
        try (Stream<Path> s = Files.list(tests)) {
            files = s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
        List<String> mismatches = new ArrayList<>();
        int lines = 0, extension = 0, compressed = 0;
        for (Path f : files) {
            CompiledProgram c = TARGET.compile(ProgramDef.of(f.getFileName().toString(), DataFileReader.read(f).program()), options);
            byte[] code = Arrays.copyOf(c.code(), c.codeSize());
            Map<Integer, String> dis = bitManip
                    ? Riscv64ObjdumpOracleTest.objdump(Riscv64ObjdumpOracleTest.elfWithArch(code, features.arch()), "-d")
                    : Riscv64ObjdumpOracleTest.objdump(code, "-D", "-b", "binary", "-m", "riscv:rv64");
            if (bitManip) dis.replaceAll((at, text) -> ELF_TARGET.matcher(text).replaceAll("0x$1"));
            int instructions = 0, listed = 0;
            for (String line : c.listing().split("\n")) {
                if (line.startsWith(";") || line.contains("pool[")) continue;
                int colon = line.indexOf(':');
                int offset = Integer.parseInt(line.substring(0, colon).trim(), 16);
                String rest = line.substring(colon + 1).trim();
                String text = Riscv64ObjdumpOracleTest.normalize(rest.substring(rest.indexOf(' ') + 1));
                lines++;
                instructions++;
                int hexDigits = rest.indexOf(' ');
                if (hexDigits == 4) compressed++;
                listed += hexDigits / 2;
                if (text.matches("(zext\\.[wh]|sext\\.[bh]|rev8|andn|orn|xnor) .*")) extension++;
                if (!text.equals(dis.get(offset))) mismatches.add(f.getFileName() + " at 0x" + Integer.toHexString(offset) + ": listing '" + text + "', objdump '" + dis.get(offset) + "'");
            }
            // The pool is 8-aligned: up to 4 bytes of padding follow the last instruction (6 with C).
            int unlisted = c.codeSize() - listed;
            assertTrue(unlisted >= 0 && unlisted < (features.has(Riscv64Features.Extension.C) ? 8 : 5) && unlisted % 2 == 0,
                    f + ": one listing line per instruction, " + unlisted + " bytes unlisted");
        }
        assertTrue(lines > 5000, lines + " lines");
        assertTrue(bitManip ? extension > 300 : extension == 0, extension + " Zba/Zbb instructions");
        assertTrue(features.has(Riscv64Features.Extension.C) ? compressed > lines / 5 : compressed == 0, compressed + " compressed of " + lines);
        assertEquals("", String.join("\n", mismatches.subList(0, Math.min(10, mismatches.size()))), mismatches.size() + " mismatches");
    }
}
