package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.select.OptimisingCompiler;
import dev.ebpfc.backend.select.SelectedFunction;
import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.helpers.HelperProfile;
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

/// The -O2 emitter on its own: the layout and sequences of a small program, every instruction of
/// every conformance and bench program's -O2 listing (with all registers, and with two, where
/// nearly everything is spilled) as GNU objdump prints the bytes, and that the two-register
/// machine really spills.
class Riscv64EmitterTest {
    private static final CompileOptions O2 = CompileOptions.O0.withLevel(CompileOptions.Level.O2);
    private static final Riscv64Machine TIGHT = Riscv64Machine.withAllocatable(List.of(Riscv64Reg.T5), List.of(Riscv64Reg.S1));

    @Test
    void smallProgramLayoutAndSequences() {
        CompiledProgram c = new Riscv64Target().compile(ProgramDef.of("t", Assembler.assemble("""
                mov %r6, %r1
                ldxw %r2, [%r1+0]
                add32 %r2, 7
                stxw [%r1+8], %r2
                jgt32 %r2, 100, +2
                ldxb %r0, [%r6+4]
                exit
                call 5
                add %r0, %r6
                exit
                """)), O2);
        String listing = c.listing();
        System.out.println(listing);
        assertEquals(0, c.entryOffset());
        assertTrue(listing.startsWith("; entry\n"), listing);
        assertTrue(listing.contains("; unwind\n"), listing);
        assertTrue(listing.contains("; function 0: t (slot 0)"), listing);
        assertEquals(1, c.functionOffsets().length);
        assertEquals(c.functionOffsets()[0], c.slotOffsets()[0], "the function's first slot is its body");
        // The 32-bit add feeds only a 32-bit store and a W32 compare, which read its low half:
        // its addiw result is not zero-extended, and the compare sign-extends it.
        assertTrue(listing.matches("(?s).*addw? a[0-9],a[0-9],7\n.*"), listing);
        assertFalse(listing.contains(",0x20\n"), "no zero-extension in the function:\n" + listing);
        assertTrue(listing.contains("sext.w t1,"), listing);
        assertTrue(listing.contains("li t2,100\n") && listing.contains("bltu t2,t1,"), listing);
        assertTrue(listing.contains("; call Helper[id=5] (slot 7)"), listing);
        assertTrue(c.pool().contains(new PoolEntry.Helper(5)), c.pool().toString());
        // Calling out: the function saves ra and keeps its frame pointer in s5 for the engine.
        assertTrue(listing.contains("sd ra,"), listing);
        int[] ranges = c.slotRanges();
        int call = -1;
        for (int i = 0; i < ranges.length; i += 3) if (ranges[i + 2] == 7) call = ranges[i];
        assertTrue(call > c.functionOffsets()[0], "the helper call has a slot range");
        assertEquals(7, c.slotAt(call + 8), "the jalr of the pool call maps to the call's slot");
        assertEquals(-1, c.slotOffsets()[7], "slotOffsets: function starts only");
    }

    @Test
    void twoRegistersSpill() throws Exception {
        BpfObject object = ObjectLoader.load(Path.of("../bench/programs/obj/xdp_lb.o"));
        CompileOptions options = O2.withEnvironment(ProgramEnvironment.of(object, HelperProfile.LINUX, null));
        var stages = OptimisingCompiler.select(object.programs().getFirst(), options, TIGHT);
        int spilled = 0, slots = 0;
        for (SelectedFunction f : stages.functions()) {
            spilled += f.allocation().spilledCount();
            slots = Math.max(slots, f.allocation().slotCount());
        }
        System.out.println("xdp_lb with two registers: " + spilled + " spilled values in " + slots + " slots");
        assertTrue(spilled > 100, spilled + " spilled values");
        String listing = new Riscv64Target(TIGHT).compile(object.programs().getFirst(), options).listing();
        assertTrue(listing.matches("(?s).*\n[^\n]* ld t1,[0-9]+\\(sp\\)\n.*"), "reloads into the first use scratch");
        assertTrue(listing.matches("(?s).*\n[^\n]* sd t0,[0-9]+\\(sp\\)\n.*"), "results stored back from t0");
    }

    @Test
    void listingsMatchObjdump() throws Exception {
        List<ProgramDef> programs = new ArrayList<>();
        List<CompileOptions> options = new ArrayList<>();
        Path tests = Path.of(System.getProperty("ebpfc.conformance.dir"), "tests");
        try (Stream<Path> s = Files.list(tests)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".data")).sorted().toList()) {
                programs.add(ProgramDef.of(f.getFileName().toString(), DataFileReader.read(f).program()));
                options.add(O2);
            }
        }
        try (Stream<Path> s = Files.list(Path.of("../bench/programs/obj"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".o")).sorted().toList()) {
                BpfObject object = ObjectLoader.load(f);
                for (ProgramDef def : object.programs()) {
                    programs.add(def);
                    options.add(O2.withEnvironment(ProgramEnvironment.of(object, HelperProfile.LINUX, null)));
                }
            }
        }
        List<String> mismatches = new ArrayList<>();
        int lines = 0;
        for (Riscv64Target target : List.of(new Riscv64Target(), new Riscv64Target(TIGHT))) {
            for (int i = 0; i < programs.size(); i++) {
                CompiledProgram c = target.compile(programs.get(i), options.get(i));
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
                    if (!text.equals(dis.get(offset))) {
                        mismatches.add(programs.get(i).name() + " at 0x" + Integer.toHexString(offset) + ": listing '" + text + "', objdump '" + dis.get(offset) + "'");
                    }
                }
                int unlisted = c.codeSize() - 4 * instructions;
                assertTrue(unlisted == 0 || unlisted == 4, programs.get(i).name() + ": one listing line per instruction, " + unlisted + " bytes unlisted");
            }
        }
        assertTrue(lines > 20_000, lines + " lines");
        assertEquals("", String.join("\n", mismatches.subList(0, Math.min(10, mismatches.size()))), mismatches.size() + " mismatches");
    }
}
