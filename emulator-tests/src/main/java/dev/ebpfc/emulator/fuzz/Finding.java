package dev.ebpfc.emulator.fuzz;

import dev.ebpfc.frontend.insn.Program;

import java.nio.file.Path;
import java.util.List;

/// One divergence a campaign found, after shrinking: which engine and the first field that
/// differs (`r0`, `error`, `mem`, `helpers`, `threw`…, see [ReproducerStore#field]), the seed and
/// campaign-global program index it came from, the sizes before and after shrinking, every engine
/// that diverges on the shrunk program, whether a conformance test sees it (r0 or error), the
/// shrunk program and memory with the reference's r0, the divergence described, and the
/// reproducer written for it (null when the campaign has no output folder).
public record Finding(String engine, String field, long seed, long index, int originalInsns, int originalMem,
                      Program program, byte[] mem, long result, List<String> engines, boolean visibleInResult,
                      boolean shrunk, String summary, String details, Path file) {
    public Finding {
        mem = mem.clone();
        engines = List.copyOf(engines);
    }

    @Override
    public byte[] mem() {
        return mem.clone();
    }

    public Finding withFile(Path f) {
        return new Finding(engine, field, seed, index, originalInsns, originalMem, program, mem, result, engines, visibleInResult,
                shrunk, summary, details, f);
    }

    /// Whether this finding comes before `o` in the campaign's order: lower program index, then engine name.
    boolean before(Finding o) {
        return index != o.index ? index < o.index : engine.compareTo(o.engine) < 0;
    }
}
