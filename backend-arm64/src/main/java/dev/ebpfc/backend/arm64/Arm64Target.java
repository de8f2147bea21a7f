package dev.ebpfc.backend.arm64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.select.OptimisingCompiler;
import dev.ebpfc.frontend.object.ProgramDef;

/// The ARM64 target: -O0 through [Arm64Lowering] (LL/SC atomics, or FEAT_LSE ones with
/// [CompileOptions#lse]); -O2 through the shared [OptimisingCompiler] with [Arm64Machine], and
/// at -O0 for the programs the lifter refuses (their -O0 code reports the problem at run time
/// exactly as the interpreter does).
public final class Arm64Target implements Target {
    @Override
    public String name() {
        return "arm64";
    }

    /// `lse`: FEAT_LSE atomics (Armv8.1), the same as [CompileOptions#lse].
    @Override
    public java.util.Set<String> features() {
        return java.util.Set.of("lse");
    }

    @Override
    public CompiledProgram compile(ProgramDef program, CompileOptions options) {
        if (options.features().contains("lse") && !options.lse()) options = options.withLse(true);
        return switch (options.level()) {
            case O0 -> new Arm64Lowering(program, options).compile();
            case O2 -> {
                CompiledProgram optimised = OptimisingCompiler.compile(program, options, new Arm64Machine());
                yield optimised != null ? optimised : new Arm64Lowering(program, options).compile();
            }
        };
    }
}
