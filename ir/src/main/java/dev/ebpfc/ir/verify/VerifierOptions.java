package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;

import java.util.List;
import java.util.Objects;

/// What a verification needs besides the module: the mode, what r1 of the entry points to, the
/// maps the module's map indices name (sizes, types, `.rodata`), the helper numbering, and the
/// program the module was lifted from (null if none), whose line info and instructions make the
/// messages name source lines and registers.
public record VerifierOptions(Mode mode, ContextKind context, List<MapDef> maps, HelperProfile helpers, ProgramDef source) {
    public VerifierOptions {
        Objects.requireNonNull(mode);
        Objects.requireNonNull(context);
        maps = List.copyOf(maps);
        Objects.requireNonNull(helpers);
    }
}
