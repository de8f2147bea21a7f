package dev.ebpfc.emulator.diff;

import dev.ebpfc.emulator.gen.GeneratedProgram;
import dev.ebpfc.emulator.gen.ProgramGenerator;
import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The differential runner: agreement, divergence by field, engines that throw or return
/// nothing, a reference that throws, and the shrinking predicate's refusal of invalid programs.
class DiffRunnerTest {
    /// An engine whose results pass through `change`, or that throws.
    private record Broken(String name, UnaryOperator<ExecutionResult> change) implements Engine {
        @Override
        public ExecutionResult run(BpfObject object, int program, MapSet maps, RunInput input, RuntimeOptions options) {
            return change.apply(new InterpreterEngine().run(object, program, maps, input, options));
        }
    }

    private static ExecutionResult withR0(ExecutionResult r, long r0) {
        return new ExecutionResult(r0, r.error(), r.message(), r.slot(), r.executed(), r.regions(), r.trace(), r.printk(), r.perfEvents(), r.ringbufRecords());
    }

    private static final Program STORE = Assembler.assemble("""
            stb [%r1+2], 9
            mov %r0, 5
            exit
            """);

    @Test
    void interpreterAgreesWithItselfOnGeneratedPrograms() {
        DifferentialRunner runner = new DifferentialRunner(List.of(new InterpreterEngine(), new InterpreterEngine()));
        ProgramGenerator gen = new ProgramGenerator();
        for (long seed = 0; seed < 200; seed++) {
            GeneratedProgram g = gen.generate(seed);
            DifferentialRunner.Outcome o = runner.run(g.program(), g.mem());
            assertTrue(o.agreed() && o.referenceValid(), "seed " + seed + ": " + o.divergences());
        }
    }

    @Test
    void everyOtherEngineIsComparedWithTheFirst() {
        Engine fine = new Broken("fine", r -> r);
        Engine off = new Broken("off-by-one", r -> withR0(r, r.r0() + 1));
        DifferentialRunner runner = new DifferentialRunner(List.of(new InterpreterEngine(), fine, off, off));
        DifferentialRunner.Outcome o = runner.run(STORE, new byte[4]);
        assertEquals(5, o.reference().r0());
        assertEquals(2, o.divergences().size());
        Divergence d = o.divergences().get(0);
        assertEquals("interp", d.reference());
        assertEquals("off-by-one", d.engine());
        assertEquals(List.of("r0: expected 0x5, got 0x6"), d.differences());
        assertEquals("off-by-one vs interp: r0: expected 0x5, got 0x6", d.summary());
        assertTrue(d.describe().contains("interp: r0=0x5 NONE"), d.describe());
    }

    @Test
    void memoryIsComparedByteForByte() {
        Engine lost = new Broken("lost-store", r -> new ExecutionResult(r.r0(), r.error(), r.message(), r.slot(), r.executed(),
                List.of(new dev.ebpfc.runtime.RegionSnapshot("mem", new byte[4])), r.trace(), r.printk(), r.perfEvents(), r.ringbufRecords()));
        Divergence d = new DifferentialRunner(List.of(new InterpreterEngine(), lost)).run(STORE, new byte[4]).divergences().get(0);
        assertTrue(d.differences().get(0).startsWith("region mem: first difference at offset 2 (0x2), 1 differing bytes"), d.differences().toString());
    }

    @Test
    void anEngineThatThrowsIsADivergenceNotACrash() {
        Engine boom = new Broken("boom", r -> {
            throw new IllegalStateException("emulator fault at 0x1234");
        });
        Engine nothing = new Broken("nothing", r -> null);
        Engine deep = new Broken("deep", r -> {
            throw new StackOverflowError();
        });
        DifferentialRunner.Outcome o = new DifferentialRunner(List.of(new InterpreterEngine(), boom, nothing, deep)).run(STORE, new byte[4]);
        assertEquals(3, o.divergences().size());
        Divergence d = o.divergences().get(0);
        assertTrue(d.threw());
        assertNull(d.actual());
        assertTrue(d.exception().startsWith("java.lang.IllegalStateException: emulator fault at 0x1234"), d.exception());
        assertTrue(o.divergences().get(1).exception().contains("nothing returned no result"));
        assertTrue(o.divergences().get(2).exception().contains("StackOverflowError"));
    }

    @Test
    void aReferenceThatThrowsIsReported() {
        Engine boom = new Broken("boom", r -> {
            throw new UnsupportedOperationException("no lowering for ldabs");
        });
        DifferentialRunner.Outcome o = new DifferentialRunner(List.of(boom, new InterpreterEngine())).run(STORE, new byte[4]);
        assertNull(o.reference());
        assertFalse(o.referenceValid());
        assertEquals("boom", o.divergences().get(0).engine());
        assertTrue(o.divergences().get(0).exception().contains("no lowering for ldabs"));
    }

    @Test
    void predicateIgnoresProgramsTheReferenceDoesNotRunValidly() {
        Engine off = new Broken("off", r -> withR0(r, r.r0() + 1));
        DifferentialRunner runner = new DifferentialRunner(List.of(new InterpreterEngine(), off));
        assertTrue(runner.stillDiverges("off").test(STORE, new byte[4]));
        assertFalse(runner.stillDiverges("someone-else").test(STORE, new byte[4]));
        // Out of bounds in the reference: compiled code would not check, so it proves nothing.
        assertFalse(runner.stillDiverges("off").test(STORE, new byte[1]));
    }

    @Test
    void needsTwoEngines() {
        assertThrows(IllegalArgumentException.class, () -> new DifferentialRunner(List.of(new InterpreterEngine())));
    }
}
