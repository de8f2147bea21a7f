package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.Target;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.Set;

/// The RISC-V64 target (RV64IMA, LP64; Zba, Zbb and C when `CompileOptions.features` names them):
/// -O0 through [Riscv64Lowering]; -O2 arrives with the SSA IR's instruction selection.
public final class Riscv64Target implements Target {
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
            case O2 -> throw new UnsupportedOperationException("riscv64 -O2 needs the SSA IR backend, which has not landed");
        };
    }
}
