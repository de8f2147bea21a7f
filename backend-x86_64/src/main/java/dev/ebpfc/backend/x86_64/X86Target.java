package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.Target;
import dev.ebpfc.frontend.object.ProgramDef;

/// The x86_64 target: -O0 through [X86Lowering]; -O2 arrives with the SSA IR's instruction
/// selection.
public final class X86Target implements Target {
    @Override
    public String name() {
        return "x86_64";
    }

    @Override
    public CompiledProgram compile(ProgramDef program, CompileOptions options) {
        return switch (options.level()) {
            case O0 -> new X86Lowering(program, options).compile();
            case O2 -> throw new UnsupportedOperationException("x86_64 -O2 needs the SSA IR backend, which has not landed");
        };
    }
}
