package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.helpers.HelperProfile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The -O2 emitter ([X86Emitter]) on its own: the code of a small program as objdump reads it,
/// and every conformance program's -O2 listing equal to objdump's disassembly, allocated to the
/// full register set and to three registers (where nearly every operand is spilled).
/// Under emulation the same code is run against the interpreter (X86O2Test, X86O2SpillTest).
class X86EmitterTest {
    private static final CompileOptions O2 = CompileOptions.O0.withLevel(CompileOptions.Level.O2).withListing(true)
            .withEnvironment(new ProgramEnvironment(HelperProfile.CONFORMANCE, null, List.of()));
    private static final X86Machine FEW = new X86Machine(List.of(X86Reg.RAX, X86Reg.RDX), List.of(X86Reg.RBX));

    private static List<String> instructions(CompiledProgram c) {
        List<String> out = new ArrayList<>();
        for (String line : c.listing().split("\n")) {
            if (line.startsWith(";") || line.contains("pool[")) continue;
            String rest = line.substring(line.indexOf(':') + 1).trim();
            out.add(X86ObjdumpOracleTest.normalize(rest.substring(rest.indexOf(' ') + 1)));
        }
        return out;
    }

    @Test
    void loopWithDivision() throws Exception {
        ProgramDef def = ProgramDef.of("t", Assembler.assemble("""
                ldxw %r3, [%r1+4]
                mov %r0, 0
                loop:
                add %r0, %r3
                sub %r3, 1
                jne %r3, 0, loop
                div %r0, %r2
                exit
                """));
        CompiledProgram c = new X86Target().compile(def, O2);
        System.out.println(c.listing());
        List<String> mismatches = new ArrayList<>();
        X86ObjdumpOracleTest.listingMismatches("t", c, mismatches);
        assertEquals(List.of(), mismatches);
        assertEquals(List.of(
                // entry stub: saves, anchor (no depth limit: nothing calls), frame pointer argument, call; unwind
                "push %rbp", "push %r12", "sub $0x8,%rsp", "mov %rsp,%r12", "mov %rdx,%r9", "call 0x1d",
                "mov %r12,%rsp", "add $0x8,%rsp", "pop %r12", "pop %rbp", "ret",
                // function 0, a leaf that never reads its frame pointer: no frame at all
                // block 0: the load, r0 = 0
                "mov %rdi,%rax", "mov %rsi,%rdx", "mov 0x4(%rax),%eax", "xor %esi,%esi",
                // block 1, the loop: its parameters stay in rsi and rax, so the back edge has no moves
                "add %rax,%rsi", "sub $0x1,%rax", "test %rax,%rax", "jne 0x28",
                // block 2: BPF division by a register (x / 0 = 0), then return
                "mov %rdx,%r11", "mov %rsi,%rax", "test %r11,%r11", "je 0x49", "xor %edx,%edx", "div %r11",
                "mov %rax,%rsi", "jmp 0x4b", "xor %esi,%esi", "mov %rsi,%rax", "ret"), instructions(c));
        assertEquals(0, c.slotAt(0x23), "the load's code names its slot");
    }

    @Test
    void conformanceListingsMatchObjdump() throws Exception {
        Path tests = Path.of(System.getProperty("ebpfc.conformance.dir"), "tests");
        List<Path> files;
        try (Stream<Path> s = Files.list(tests)) {
            files = s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
        List<String> mismatches = new ArrayList<>();
        int lines = 0, spillAccesses = 0;
        for (X86Target target : List.of(new X86Target(), new X86Target(FEW))) {
            for (Path f : files) {
                CompiledProgram c = target.compile(ProgramDef.of(f.getFileName().toString(), DataFileReader.read(f).program()), O2);
                lines += X86ObjdumpOracleTest.listingMismatches(f.getFileName().toString(), c, mismatches);
                if (target.machine() == FEW) spillAccesses += (int) instructions(c).stream().filter(i -> i.contains("(%rsp)")).count();
            }
        }
        System.out.println("X86EmitterTest: " + lines + " -O2 instructions, " + spillAccesses + " spill slot accesses");
        assertTrue(lines > 5000, lines + " lines");
        assertTrue(spillAccesses > 100, "the three-register machine spills: " + spillAccesses);
        assertEquals("", String.join("\n", mismatches.subList(0, Math.min(10, mismatches.size()))), mismatches.size() + " mismatches");
    }
}
