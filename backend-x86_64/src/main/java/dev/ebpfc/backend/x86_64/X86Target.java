package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.select.OptimisingCompiler;
import dev.ebpfc.frontend.object.ProgramDef;

/// The x86_64 target: -O0 through [X86Lowering]; -O2 through the shared [OptimisingCompiler]
/// with [X86Machine], except for programs the lifter refuses, which have no -O2 form and get the
/// -O0 code (it reports their problem at run time exactly as the interpreter does).
public final class X86Target implements Target {
    private final X86Machine machine;

    public X86Target() {
        this(new X86Machine());
    }

    /// -O2 code for `machine` (tests: a machine with few registers exercises the spill paths).
    public X86Target(X86Machine machine) {
        this.machine = machine;
    }

    /// The machine -O2 code is emitted for.
    public X86Machine machine() {
        return machine;
    }

    @Override
    public String name() {
        return "x86_64";
    }

    @Override
    public CompiledProgram compile(ProgramDef program, CompileOptions options) {
        return switch (options.level()) {
            case O0 -> new X86Lowering(program, options).compile();
            case O2 -> {
                CompiledProgram optimised = OptimisingCompiler.compile(program, options, machine);
                yield optimised != null ? optimised : new X86Lowering(program, options).compile();
            }
        };
    }
}
