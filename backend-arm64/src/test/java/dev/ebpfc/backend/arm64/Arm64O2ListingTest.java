package dev.ebpfc.backend.arm64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.regalloc.RegisterSet;
import dev.ebpfc.backend.select.OptimisingCompiler;
import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.RuntimeOptions;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The -O2 emitter's code, read through its listing: the listing of every conformance program
/// (LL/SC and LSE, with the default registers and with three) is what GNU objdump prints for the
/// bytes, and small programs get the shapes the emitter promises.
class Arm64O2ListingTest {
    private static final ProgramEnvironment CONFORMANCE = new ProgramEnvironment(RuntimeOptions.conformance().profile(), null, List.of());
    private static final CompileOptions O2 = CompileOptions.O0.withLevel(CompileOptions.Level.O2).withEnvironment(CONFORMANCE);
    /// x6, x7 and x19 only: most values spill.
    private static final Arm64Machine TINY = new Arm64Machine(new RegisterSet(List.of(6, 7), List.of(19),
            List.of(9, 10, 11, 12, 13, 16, 17)));

    private static CompiledProgram compile(String asm, CompileOptions options, Arm64Machine machine) {
        CompiledProgram c = OptimisingCompiler.compile(ProgramDef.of("t", Assembler.assemble(asm)), options, machine);
        assertNotNull(c, "the lifter takes the program");
        return c;
    }

    @Test
    void smallProgramShapes() {
        String listing = compile("""
                ldxw %r2, [%r1+0]
                ldxw %r3, [%r1+4]
                mov32 %r4, %r2
                add32 %r4, %r3
                mod32 %r4, %r3
                jsgt %r2, 0, +2
                mov %r0, %r4
                exit
                jeq %r3, 0, +1
                rsh %r4, 1
                mov %r0, %r4
                exit
                """, O2, new Arm64Machine()).listing();
        System.out.println(listing);
        assertTrue(listing.startsWith("; entry\n"), listing);
        assertTrue(listing.contains("; unwind"), listing);
        // ALU32 in W registers (their writes zero-extend), remainder as udiv + msub.
        assertTrue(listing.matches("(?s).*add w\\d+, w\\d+, w\\d+.*"), listing);
        assertTrue(listing.matches("(?s).*udiv (w\\d+), w\\d+, w\\d+\\n.*msub w\\d+, \\1.*"), listing);
        // Compares with zero branch on the register itself.
        assertTrue(listing.matches("(?s).*\\bcbn?z x\\d+.*"), listing);
        // A leaf function needs no frame: no stp in the function itself (only in the entry stub).
        String function = listing.substring(listing.indexOf("; function"));
        assertFalse(function.contains("stp"), function);
    }

    @Test
    void spilledOperandsGoThroughScratchRegisters() {
        String asm = """
                mov %r2, 1
                mov %r3, 2
                mov %r4, 3
                mov %r5, 4
                mov %r6, 5
                mov %r7, 6
                ldxdw %r8, [%r1+0]
                add %r2, %r8
                mul %r3, %r8
                xor %r4, %r8
                or %r5, %r8
                sub %r6, %r8
                lsh %r7, %r8
                add %r2, %r3
                add %r2, %r4
                add %r2, %r5
                add %r2, %r6
                add %r2, %r7
                mov %r0, %r2
                exit
                """;
        var stages = OptimisingCompiler.select(ProgramDef.of("t", Assembler.assemble(asm)), O2, TINY);
        assertTrue(stages.functions().getFirst().allocation().spilledCount() > 0, "three registers are not enough");
        String listing = compile(asm, O2, TINY).listing();
        System.out.println(listing);
        assertTrue(listing.matches("(?s).*ldr x1[0-2], \\[sp, #\\d+\\].*"), "operands reloaded into x10–x12:\n" + listing);
        assertTrue(listing.matches("(?s).*str x9, \\[sp, #\\d+\\].*"), "results computed in x9 and stored:\n" + listing);
    }

    /// Beyond `stp`'s pre-index reach (504 bytes) the frame is allocated with `sub sp` and the
    /// registers stored at offsets; small frames use one pre-indexed `stp`.
    @Test
    void framesSmallAndLarge() {
        Arm64Assembler asm = new Arm64Assembler();
        Arm64Frame large = Arm64Frame.of(true, List.of(Arm64Reg.R19, Arm64Reg.R20, Arm64Reg.R21), 100);
        assertEquals(848, large.size());
        assertEquals(40, large.slotOffset(0));
        large.prologue(asm, Arm64Reg.R16);
        large.epilogue(asm, Arm64Reg.R16);
        Arm64Frame small = Arm64Frame.of(true, List.of(Arm64Reg.R19), 1);
        small.prologue(asm, Arm64Reg.R16);
        small.epilogue(asm, Arm64Reg.R16);
        StringBuilder text = new StringBuilder();
        for (String line : asm.assemble(true).listing().split("\n")) text.append(line.substring(line.lastIndexOf("  ") + 2)).append('\n');
        assertEquals("""
                sub sp, sp, #0x350
                stp x29, x30, [sp]
                stp x19, x20, [sp, #16]
                str x21, [sp, #32]
                mov x29, sp
                ldp x29, x30, [sp]
                ldp x19, x20, [sp, #16]
                ldr x21, [sp, #32]
                add sp, sp, #0x350
                stp x29, x30, [sp, #-32]!
                str x19, [sp, #16]
                mov x29, sp
                ldr x19, [sp, #16]
                ldp x29, x30, [sp], #32
                """, text.toString());
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
        for (Arm64Machine machine : List.of(new Arm64Machine(), TINY)) {
            for (CompileOptions options : List.of(O2, O2.withLse(true))) {
                for (Path f : files) {
                    ProgramDef def = ProgramDef.of(f.getFileName().toString(), DataFileReader.read(f).program());
                    CompiledProgram c = OptimisingCompiler.compile(def, options, machine);
                    if (c == null) continue;
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
        }
        assertTrue(lines > 10000, lines + " lines");
        System.out.println("Arm64O2ListingTest: " + lines + " -O2 listing lines equal objdump's");
        assertEquals("", String.join("\n", mismatches.subList(0, Math.min(10, mismatches.size()))), mismatches.size() + " mismatches");
    }
}
