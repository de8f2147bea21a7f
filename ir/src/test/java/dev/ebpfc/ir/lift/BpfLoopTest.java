package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
