package dev.ebpfc.backend.arm64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.Target;
import dev.ebpfc.frontend.object.ProgramDef;

/// The ARM64 target: -O0 through [Arm64Lowering] (LL/SC atomics, or FEAT_LSE ones with
/// [CompileOptions#lse]); -O2 arrives with the SSA IR's instruction selection.
public final class Arm64Target implements Target {
    @Override
    public String name() {
        return "arm64";
    }

    @Override
    public CompiledProgram compile(ProgramDef program, CompileOptions options) {
        return switch (options.level()) {
            case O0 -> new Arm64Lowering(program, options).compile();
            case O2 -> throw new UnsupportedOperationException("arm64 -O2 needs the SSA IR backend, which has not landed");
        };
    }
}
