package dev.ebpfc.emulator.gen;

import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.BiPredicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The shrinker against synthetic predicates: it reaches small fixpoints, only ever hands valid
/// programs to the predicate, is deterministic, and its output becomes a passing `.data` test.
class ShrinkerTest {
    private static boolean hasArsh(Program p) {
        return p.insns().stream().anyMatch(i -> i instanceof Insn.Alu a && a.op() == AluOp.ARSH);
    }

    /// "Contains arsh and the interpreter's r0 has its top bit set": needs a value, an arsh, and an exit.
    private static final BiPredicate<Program, byte[]> NEGATIVE_ARSH = (p, mem) -> {
        if (!hasArsh(p)) return false;
        ExecutionResult r = new Interpreter(p, RuntimeOptions.conformance().withBudget(100_000)).run(RunInput.of(mem));
        return r.error() == ErrorKind.NONE && r.r0() < 0;
    };

    private static GeneratedProgram findNegativeArsh() {
        ProgramGenerator gen = new ProgramGenerator();
        for (long seed = 0; ; seed++) {
            GeneratedProgram g = gen.generate(seed);
            if (NEGATIVE_ARSH.test(g.program(), g.mem())) return g;
        }
    }

    @Test
    void reachesASmallFixpoint() {
        GeneratedProgram g = findNegativeArsh();
        Shrinker.Result r = new Shrinker(NEGATIVE_ARSH).shrink(g.program(), g.mem());
        assertTrue(NEGATIVE_ARSH.test(r.program(), r.mem()));
        // Dead code satisfies "contains arsh": at best a store, a jump over the arsh, a load, a move, exit.
        assertTrue(r.program().size() <= 6, "shrunk to\n" + r.program());
        assertEquals(0, r.mem().length);
        Shrinker.Result again = new Shrinker(NEGATIVE_ARSH).shrink(r.program(), r.mem());
        assertEquals(r.program(), again.program(), "not a fixpoint");
        assertEquals(0, again.accepted());
        System.out.println("ShrinkerTest: seed " + g.seed() + ", " + g.program().size() + " -> " + r.program().size()
                + " instructions, " + r.candidates() + " candidates:\n" + r.program());
    }

    @Test
    void onlyValidProgramsReachThePredicate() {
        GeneratedProgram g = findNegativeArsh();
        int[] invalid = {0};
        new Shrinker((p, m) -> {
            if (!Shrinker.valid(p)) invalid[0]++;
            return NEGATIVE_ARSH.test(p, m);
        }).shrink(g.program(), g.mem());
        assertEquals(0, invalid[0]);
    }

    @Test
    void deterministic() {
        GeneratedProgram g = findNegativeArsh();
        Shrinker.Result a = new Shrinker(NEGATIVE_ARSH).shrink(g.program(), g.mem());
        Shrinker.Result b = new Shrinker(NEGATIVE_ARSH).shrink(g.program(), g.mem());
        assertEquals(a.program(), b.program());
        assertArrayEquals(a.mem(), b.mem());
        assertEquals(a.candidates(), b.candidates());
    }

    @Test
    void candidateBoundIsHonoured() {
        GeneratedProgram g = findNegativeArsh();
        Shrinker.Result r = new Shrinker(NEGATIVE_ARSH, 5).shrink(g.program(), g.mem());
        assertTrue(r.candidates() <= 5);
        assertTrue(NEGATIVE_ARSH.test(r.program(), r.mem()));
    }

    @Test
    void simplifiesImmediatesRegistersAndMemory() {
        Program p = Assembler.assemble("""
                lddw %r7, 0x123456789
                ldxb %r9, [%r1+3]
                mov %r0, %r9
                add %r0, 77
                exit
                """);
        // Still failing while r0 is odd.
        BiPredicate<Program, byte[]> odd = (q, mem) -> {
            ExecutionResult r = new Interpreter(q, RuntimeOptions.conformance()).run(RunInput.of(mem));
            return r.error() == ErrorKind.NONE && (r.r0() & 1) == 1;
        };
        Shrinker.Result r = new Shrinker(odd).shrink(p, new byte[]{9, 9, 9, 4, 9, 9, 9, 9});
        assertEquals(Assembler.assemble("""
                mov %r0, 1
                exit
                """), r.program());
        assertEquals(0, r.mem().length);
    }

    @Test
    void reproducerRunsAsAConformanceTest(@TempDir Path dir) {
        GeneratedProgram g = findNegativeArsh();
        Shrinker.Result r = new Shrinker(NEGATIVE_ARSH).shrink(g.program(), g.mem());
        long r0 = new Interpreter(r.program(), RuntimeOptions.conformance()).run(RunInput.of(r.mem())).r0();
        Path file = Reproducer.write(r.program(), r.mem(), "negative arsh\nseed " + g.seed(), r0, dir.resolve("negative-arsh.data"));
        DataFile back = DataFileReader.read(file);
        assertEquals(r.program(), back.program());
        assertArrayEquals(r.mem(), back.mem());
        assertEquals(r0, back.result().getAsLong());
        assertEquals("# negative arsh", back.preamble().get(0));
        assertTrue(new ConformanceRunner(new InterpreterEngine()).run(file).passed());
    }
}
