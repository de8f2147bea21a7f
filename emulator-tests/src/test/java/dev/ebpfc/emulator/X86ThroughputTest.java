package dev.ebpfc.emulator;

import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import dev.ebpfc.emulator.gen.GeneratedProgram;
import dev.ebpfc.emulator.gen.ProgramGenerator;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.interp.InterpreterEngine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// What the fuzzer will pay per emulated run on the x86_64 engine: prints runs/second, asserts
/// only results and structure (2 shared cores make timings noisy). Repeated runs of two small
/// programs (compiled once, Unicorn reused): pure ALU, and one helper call (two memory syncs and
/// a trap). Fresh generated programs, as a campaign runs them (each compiled, loaded and
/// translated once), on x86_64 and, for comparison, on the interpreter and the IR engine; and the
/// steady state that makes them cheap: no change to Unicorn's memory map per program.
class X86ThroughputTest {
    static double runsPerSecond(EmulatedEngine e, BpfObject o, long expected, long millis) {
        RuntimeOptions options = RuntimeOptions.conformance();
        RunInput input = RunInput.of(new byte[16]);
        long runs = 0, t0 = System.nanoTime(), deadline = t0 + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 200; i++, runs++) {
                ExecutionResult r = e.run(o, 0, MapSet.empty(), input, options);
                if (r.r0() != expected) throw new AssertionError(r.toString());
            }
        }
        return runs / ((System.nanoTime() - t0) / 1e9);
    }

    static BpfObject object(String asm) {
        return new BpfObject("t", List.of(ProgramDef.of("t", Assembler.assemble(asm))), List.of(), "");
    }

    @Test
    void smallProgramsRunsPerSecond() {
        smallProgramsRunsPerSecond(EmulatedEngine.x86_64());
    }

    /// What the fuzzer pays per emulated run of a small program on `e` (compiled once, Unicorn
    /// reused): a pure ALU program and one helper call (two memory syncs and a trap). Prints
    /// runs/second, asserts only results (2 shared cores make timings noisy).
    static void smallProgramsRunsPerSecond(EmulatedEngine e) {
        BpfObject alu = object("""
                mov %r0, 1
                mov %r3, 10
                add %r0, %r3
                mul %r0, 7
                xor %r0, 5
                lsh %r0, 2
                rsh %r0, 1
                sub %r0, 3
                div %r0, 2
                exit
                """);
        BpfObject helper = object("""
                mov %r1, 49
                call 3
                exit
                """);
        long aluResult = ((((11 * 7) ^ 5) << 2 >> 1) - 3) / 2;
        runsPerSecond(e, alu, aluResult, 500);
        double a = runsPerSecond(e, alu, aluResult, 1500);
        runsPerSecond(e, helper, 7, 300);
        double h = runsPerSecond(e, helper, 7, 1500);
        System.out.printf("%s engine: %.0f runs/s (10-instruction ALU program), %.0f runs/s (one helper call)%n", e.name(), a, h);
        assertEquals(aluResult, e.run(alu, 0, MapSet.empty(), RunInput.of(new byte[16]), RuntimeOptions.conformance()).r0());
    }

    private static BpfObject object(GeneratedProgram g) {
        return new BpfObject("g", List.of(ProgramDef.of("g", g.program())), List.of(), "");
    }

    /// Runs `programs` once each on `e`; returns programs per second.
    private static double freshPerSecond(Engine e, List<GeneratedProgram> programs, List<ExecutionResult> out) {
        long t0 = System.nanoTime();
        for (GeneratedProgram g : programs) {
            ExecutionResult r = e.run(object(g), 0, MapSet.empty(), RunInput.of(g.mem()), RuntimeOptions.conformance());
            if (out != null) out.add(r);
        }
        return programs.size() / ((System.nanoTime() - t0) / 1e9);
    }

    @Test
    void freshGeneratedProgramsPerSecond() {
        ProgramGenerator gen = new ProgramGenerator();
        List<GeneratedProgram> warm = new ArrayList<>(), timed = new ArrayList<>();
        for (int i = 0; i < 300; i++) warm.add(gen.generate(5_000 + i));
        for (int i = 0; i < 600; i++) timed.add(gen.generate(9_000 + i));
        EmulatedEngine x86 = EmulatedEngine.x86_64();
        Engine interp = new InterpreterEngine(), ir = new IrEngine();
        freshPerSecond(x86, warm, null);
        freshPerSecond(interp, warm, null);
        freshPerSecond(ir, warm, null);
        long changes = x86.mapChanges();
        List<ExecutionResult> got = new ArrayList<>(), want = new ArrayList<>();
        double x = freshPerSecond(x86, timed, got);
        double i = freshPerSecond(interp, timed, want);
        double r = freshPerSecond(ir, timed, null);
        System.out.printf("fresh generated programs: x86_64 %.0f/s, interp %.0f/s, ir %.0f/s (lifting each)%n", x, i, r);
        // Fresh programs of the generator's sizes change nothing in Unicorn's memory map once the
        // windows are mapped: no unmap, no remap, no protection change.
        assertEquals(changes, x86.mapChanges(), "memory map changes while running fresh programs");
        for (int k = 0; k < timed.size(); k++) {
            if (want.get(k).error() == dev.ebpfc.runtime.ErrorKind.NONE) assertEquals(want.get(k).r0(), got.get(k).r0(), "program " + k);
        }
    }
}
