package dev.ebpfc.backend;

import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;

import java.util.List;
import java.util.Objects;

/// What -O2 compilation knows about where a program will run, because the optimiser depends on
/// it: the helper profile (which helpers exist, their argument counts, which may be inlined), what
/// the entry's r1 points to (context field rewriting), and the object's maps (`lddw map_idx N`
/// names `maps.get(N)`; array lookups become address arithmetic). -O0 ignores it.
///
/// `context` null means: the kind the program's ELF section names.
public record ProgramEnvironment(HelperProfile helpers, ContextKind context, List<MapDef> maps) {
    /// The Linux helpers, the section's context, no maps.
    public static final ProgramEnvironment LINUX = new ProgramEnvironment(HelperProfile.LINUX, null, List.of());

    public ProgramEnvironment {
        Objects.requireNonNull(helpers, "helpers");
        maps = List.copyOf(maps);
    }

    /// The environment of `object`'s programs with `helpers`, the context its entry section names
    /// unless `context` is given.
    public static ProgramEnvironment of(BpfObject object, HelperProfile helpers, ContextKind context) {
        return new ProgramEnvironment(helpers, context, object.maps());
    }

    /// The context kind for `program`.
    public ContextKind contextFor(ProgramDef program) {
        return context != null ? context : ContextKind.ofSection(program.section());
    }
}
