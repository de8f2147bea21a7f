package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.select.OptimisingCompiler;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.Set;

/// The RISC-V64 target (RV64IMA, LP64; Zba, Zbb and C at -O0 when `CompileOptions.features`
/// names them): -O0 through [Riscv64Lowering]; -O2 (RV64IMA) through the shared optimising
/// pipeline with [Riscv64Machine], or the -O0 code for programs the lifter refuses.
public final class Riscv64Target implements Target {
    private final Riscv64Machine machine;

    public Riscv64Target() {
        this(new Riscv64Machine());
    }

    /// The target whose -O2 code allocates the registers of `machine` (tests restrict them).
    public Riscv64Target(Riscv64Machine machine) {
        this.machine = machine;
    }

    @Override
    public String name() {
        return "riscv64";
    }

    @Override
    public Set<String> features() {
        return Riscv64Features.COMPILER_NAMES;
    }

    @Override
    public CompiledProgram compile(ProgramDef program, CompileOptions options) {
        return switch (options.level()) {
            case O0 -> new Riscv64Lowering(program, options).compile();
            case O2 -> {
                CompiledProgram optimised = OptimisingCompiler.compile(program, options, machine);
                yield optimised != null ? optimised : new Riscv64Lowering(program, options).compile();
            }
        };
    }
}
