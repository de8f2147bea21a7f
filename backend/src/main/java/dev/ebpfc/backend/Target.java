package dev.ebpfc.backend;

import dev.ebpfc.frontend.object.ProgramDef;

import java.util.Set;

/// One instruction set ebpfc compiles to (`x86_64`, `arm64`, `riscv64`). Compiling never runs
/// anything and never fails on a program the frontend accepted: constructs the target cannot
/// express at run time (kfuncs, kernel variable addresses) compile to a runtime error at the
/// instruction, so every engine reports them at the same slot as the interpreter.
public interface Target {
    /// The name engines and the CLI use for it.
    String name();

    /// Compiles every function of `program` into one position-independent block of machine code
    /// followed by its constant pool (see docs/native-abi.md).
    CompiledProgram compile(ProgramDef program, CompileOptions options);

    /// The optional ISA extensions [CompileOptions#features] may name for this target (lower-case,
    /// as in the ISA's own naming: `zba`, `zbb`). None by default.
    default Set<String> features() {
        return Set.of();
    }
}
