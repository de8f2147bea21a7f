package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/// `bpf_loop` on the IR interpreter: the loop fixture's sum_squares (`bpf_loop(10, square, &acc,
/// 0)`, the callback adding i * i to the caller's `acc`) returns 285 as lifted and after each
/// optimisation level, which must keep the callback (reached only through its address) and the
/// caller's `acc` in memory the callback writes.
class BpfLoopTest {
    @Test
    void sumSquaresAtEveryLevel() throws Exception {
        RuntimeOptions options = RuntimeOptions.linux();
        for (String name : new String[]{"loop.v3.o", "loop.v4.o"}) {
            BpfObject obj = ObjectLoader.load(Path.of(System.getProperty("ebpfc.root"), "frontend/src/test/resources/fixtures", name));
            int entry = obj.programs().indexOf(obj.program("sum_squares"));
            for (int level = 0; level <= 2; level++) {
                ExecutionResult r = IrEngine.interpreter(obj, entry, options, OptDifferentialTest.optimiser(level, obj, entry, options))
                        .run(entry, new MapSet(obj.maps()), RunInput.of(new byte[64]));
                String what = name + " -O" + level + ": " + r;
                assertEquals(ErrorKind.NONE, r.error(), what);
                assertEquals(285, r.r0(), what);
                assertEquals(1, r.trace().size(), what);
                assertEquals(181, r.trace().getFirst().id(), what);
                assertEquals(10, r.trace().getFirst().result(), what);
            }
        }
    }

    /// A callback that calls a helper itself, keeps values in r6/r7 across it, writes the
    /// caller's stack through ctx and stops the loop at index 2: the IR interpreter at every
    /// level leaves the bytecode interpreter's whole state (the trace holds the callback's three
    /// helper calls, then bpf_loop's).
    @Test
    void callbackCallingAHelperAgreesWithTheInterpreter() {
        String text = """
                stdw [%r10-8], 0
                mov %r1, 5
                lddw %r2, func 9
                mov %r3, %r10
                add %r3, -8
                mov %r4, 0
                call 181
                ldxdw %r1, [%r10-8]
                lsh %r0, 32
                add %r0, %r1
                exit
                mov %r6, %r1
                mov %r7, %r2
                call 7
                ldxdw %r1, [%r7+0]
                add %r1, %r0
                add %r1, %r6
                stxdw [%r7+0], %r1
                mov %r0, 0
                jne %r6, 2, +1
                mov %r0, 1
                exit
                """;
        BpfObject obj = new BpfObject("loop-helper", List.of(ProgramDef.of("loop_helper", Assembler.assemble(text))), List.of(), "");
        RuntimeOptions options = RuntimeOptions.linux();
        RunInput input = RunInput.of(new byte[0]);
        ExecutionResult expected = new Interpreter(obj.programs(), options).run(0, new MapSet(obj.maps()), input);
        assertEquals(ErrorKind.NONE, expected.error(), expected.toString());
        assertEquals(3, expected.trace().getLast().result(), "bpf_loop stopped after index 2: " + expected);
        assertEquals(List.of(7, 7, 7, 181), expected.trace().stream().map(c -> c.id()).toList());
        for (int level = 0; level <= 2; level++) {
            ExecutionResult r = IrEngine.interpreter(obj, 0, options, OptDifferentialTest.optimiser(level, obj, 0, options))
                    .run(0, new MapSet(obj.maps()), input);
            assertNull(Differential.compare(expected, r), "-O" + level);
        }
    }
}
