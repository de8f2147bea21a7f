package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.Target;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.concurrent.atomic.AtomicLong;

/// The x86_64 target: -O0 through [X86Lowering]; -O2 through [X86Isel] (SSA IR, instruction
/// selection, linear-scan allocation) for the programs inside its subset, -O0 for the rest. The
/// counters say how many -O2 requests went which way (process-wide, for tests and reports).
public final class X86Target implements Target {
    private static final AtomicLong O2_COMPILED = new AtomicLong();
    private static final AtomicLong O2_FALLBACKS = new AtomicLong();

    @Override
    public String name() {
        return "x86_64";
    }

    @Override
    public CompiledProgram compile(ProgramDef program, CompileOptions options) {
        return switch (options.level()) {
            case O0 -> new X86Lowering(program, options).compile();
            case O2 -> {
                CompiledProgram optimised = compileO2(program);
                if (optimised != null) {
                    O2_COMPILED.incrementAndGet();
                    yield optimised;
                }
                O2_FALLBACKS.incrementAndGet();
                yield new X86Lowering(program, options).compile();
            }
        };
    }

    /// The -O2 code for `program`, or null when it is outside [X86Isel]'s subset.
    public static CompiledProgram compileO2(ProgramDef program) {
        try {
            return X86Isel.compile(program);
        } catch (X86Isel.Unsupported e) {
            return null;
        }
    }

    /// Why `program` is outside the -O2 subset, or null when it is inside.
    public static String o2Rejection(ProgramDef program) {
        try {
            X86Isel.compile(program);
            return null;
        } catch (X86Isel.Unsupported e) {
            return e.getMessage();
        }
    }

    /// -O2 requests compiled by [X86Isel] so far in this process.
    public static long o2Compiled() {
        return O2_COMPILED.get();
    }

    /// -O2 requests that fell back to -O0 so far in this process.
    public static long o2Fallbacks() {
        return O2_FALLBACKS.get();
    }
}
