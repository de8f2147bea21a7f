package dev.ebpfc.emulator.fuzz;

import dev.ebpfc.emulator.diff.Divergence;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Width;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Reproducer files: named engine-field-seed, never over an existing file, one per distinct shrunk
/// program (the earliest in campaign order, whatever order they arrive in).
class FuzzReproducerStoreTest {
    @TempDir
    Path dir;

    static Program returning(int v) {
        return new Program(List.of(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(v)), new Insn.Exit()));
    }

    static Finding finding(String engine, long seed, long index, Program p) {
        return new Finding(engine, "r0", seed, index, 40, 64, p, new byte[]{1, 2}, 7, List.of(engine), true, true,
                engine + " vs interp: r0: expected 0x7, got 0x8", engine + " diverges from interp\n  r0: expected 0x7, got 0x8\n", null);
    }

    static Divergence divergence(String first) {
        return new Divergence("interp", "x86_64", List.of(first), null, null, null);
    }

    List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void fieldNamesTheFirstDifference() {
        assertEquals("r0", ReproducerStore.field(divergence("r0: expected 0x1, got 0x2")));
        assertEquals("error", ReproducerStore.field(divergence("error: expected NONE, got OUT_OF_BOUNDS")));
        assertEquals("mem", ReproducerStore.field(divergence("region mem: first difference at offset 3 (0x3), 1 differing bytes\n  ...")));
        assertEquals("map-counts", ReproducerStore.field(divergence("region map counts: first difference at offset 0")));
        assertEquals("helpers", ReproducerStore.field(divergence("helper calls: first difference at call 0")));
        assertEquals("perf", ReproducerStore.field(divergence("perf events: expected 1, got 0")));
        assertEquals("ringbuf", ReproducerStore.field(divergence("ring buffer record 0: first difference")));
        assertEquals("threw", ReproducerStore.field(new Divergence("interp", "x86_64", List.of("engine threw: boom"), null, null, "boom")));
        assertEquals("x86_64-r0-seed1234", ReproducerStore.baseName("x86_64", "r0", 1234));
        assertEquals("my_engine-mem-seed-5", ReproducerStore.baseName("my/engine", "mem", -5));
    }

    @Test
    void writesANamedReplayableFileAndNeverOverwrites() throws IOException {
        Files.writeString(dir.resolve("x86_64-r0-seed1234.data"), "someone else's\n");
        ReproducerStore store = new ReproducerStore(dir);
        Finding f = store.offer(finding("x86_64", 1234, 5, returning(1))).orElseThrow();
        assertEquals(dir.resolve("x86_64-r0-seed1234-2.data"), f.file());
        assertEquals("someone else's\n", Files.readString(dir.resolve("x86_64-r0-seed1234.data")));
        String text = Files.readString(f.file());
        assertTrue(text.startsWith("# Found by ebpfc fuzz: x86_64 vs interp: r0: expected 0x7, got 0x8\n"), text);
        assertTrue(text.contains("# Replay: ./ebpfc conformance x86_64-r0-seed1234-2.data --engine x86_64\n"), text);
        assertTrue(text.contains("-- asm\nmov %r0, 1\nexit\n-- mem\n01 02\n-- result\n0x7\n"), text);
    }

    @Test
    void keepsTheEarliestOfEqualShrunkProgramsWhateverTheArrivalOrder() throws IOException {
        ReproducerStore store = new ReproducerStore(dir);
        assertTrue(store.offer(finding("x86_64", 110, 10, returning(1))).isPresent());
        assertTrue(store.offer(finding("x86_64", 111, 11, returning(2))).isPresent());
        assertEquals(List.of("x86_64-r0-seed110.data", "x86_64-r0-seed111.data"), names());
        // An earlier program shrinking to the same thing replaces the later one's file.
        Finding earlier = store.offer(finding("arm64", 103, 3, returning(1))).orElseThrow();
        assertEquals(List.of("arm64-r0-seed103.data", "x86_64-r0-seed111.data"), names());
        // A later one is a duplicate.
        assertFalse(store.offer(finding("x86_64", 120, 20, returning(2))).isPresent());
        // Same program index: the engine name decides.
        assertFalse(store.offer(finding("riscv64", 103, 3, returning(1))).isPresent());
        assertEquals(2, store.size());
        assertEquals(3, store.duplicates());
        assertEquals(List.of(earlier.file(), dir.resolve("x86_64-r0-seed111.data")), store.findings().stream().map(Finding::file).toList());
    }

    @Test
    void withoutAFolderFindingsStayInMemory() {
        ReproducerStore store = new ReproducerStore(null);
        Finding f = store.offer(finding("x86_64", 1, 1, returning(1))).orElseThrow();
        assertEquals(null, f.file());
        assertEquals(1, store.findings().size());
    }
}
