package dev.ebpfc.backend;

import dev.ebpfc.runtime.memory.MemoryLayout;

import java.util.Set;

/// How to compile: the optimisation level, the distance between the stack frames of consecutive
/// call depths, and ISA feature flags. Later flags (constant blinding, for example) join this
/// record.
///
/// `frameStride` is what a local call adds to r10: 2^28 under [MemoryLayout], where each depth's
/// frame sits in its own window; native execution may pick a smaller stride for a contiguous
/// stack. It must be positive, a multiple of 16, and fit a signed 32-bit immediate.
///
/// `lse`: ARM64 only (other targets ignore it). Atomics use the FEAT_LSE instructions (`ldadd`,
/// `ldset`, `ldclr`, `ldeor`, `swp`, `casal`, Armv8.1) instead of `ldaxr`/`stlxr` loops, which
/// every Armv8.0 core runs.
///
/// `listing`: whether [CompiledProgram#listing] is produced (the default). Engines that only run
/// the code switch it off: printing the listing costs more than compiling. Every target honours
/// it; without it the listing is empty. The code is the same either way.
///
/// `environment`: the helper profile, context kind and maps the program runs with; -O2 lifts and
/// optimises for them (see [ProgramEnvironment]). Engines pass their run's; the default is
/// [ProgramEnvironment#LINUX].
///
/// `hardening`: constant blinding ([Hardening]); -O2 only.
///
/// `features`: ISA extensions beyond the target's baseline that the code may use, by their
/// lower-case names (riscv64: `zba`, `zbb`, `c`; see [Target#features]). Empty by default:
/// baseline code runs on every core of the ISA. [Target#features] lists the names a target
/// accepts; the CLI refuses others.
public record CompileOptions(Level level, long frameStride, boolean lse, boolean listing, ProgramEnvironment environment,
                             Hardening hardening, Set<String> features) {
    public enum Level {
        /// Direct per-instruction translation with a fixed register map.
        O0,
        /// Through the SSA IR and its optimiser, instruction selection and register allocation.
        O2
    }

    public static final CompileOptions O0 = new CompileOptions(Level.O0, MemoryLayout.WINDOW_SIZE);

    public CompileOptions {
        if (level == null) throw new IllegalArgumentException("no optimisation level");
        if (frameStride <= 0 || frameStride > Integer.MAX_VALUE || frameStride % 16 != 0) {
            throw new IllegalArgumentException("frame stride " + frameStride + " must be a positive multiple of 16 below 2^31");
        }
        if (environment == null) environment = ProgramEnvironment.LINUX;
        if (hardening == null) hardening = Hardening.NONE;
        if (hardening.blindConstants() && level == Level.O0) {
            throw new IllegalArgumentException("constant blinding needs -O2 (the -O0 lowerings emit the program's immediates as they are)");
        }
        features = features == null ? Set.of() : Set.copyOf(features);
    }

    /// Baseline instructions only (no [#features]).
    public CompileOptions(Level level, long frameStride, boolean lse, boolean listing, ProgramEnvironment environment, Hardening hardening) {
        this(level, frameStride, lse, listing, environment, hardening, Set.of());
    }

    public CompileOptions(Level level, long frameStride, boolean lse, boolean listing) {
        this(level, frameStride, lse, listing, ProgramEnvironment.LINUX, Hardening.NONE);
    }

    /// Without ISA feature flags (baseline instructions only), with a listing.
    public CompileOptions(Level level, long frameStride) {
        this(level, frameStride, false);
    }

    /// With a listing.
    public CompileOptions(Level level, long frameStride, boolean lse) {
        this(level, frameStride, lse, true);
    }

    /// The same options with FEAT_LSE atomics on ARM64 switched on or off.
    public CompileOptions withLse(boolean lse) {
        return new CompileOptions(level, frameStride, lse, listing, environment, hardening, features);
    }

    /// The same options with or without the assembly listing.
    public CompileOptions withListing(boolean listing) {
        return new CompileOptions(level, frameStride, lse, listing, environment, hardening, features);
    }

    /// The same options for programs running in `environment`.
    public CompileOptions withEnvironment(ProgramEnvironment environment) {
        return new CompileOptions(level, frameStride, lse, listing, environment, hardening, features);
    }

    /// The same options at `level`.
    public CompileOptions withLevel(Level level) {
        return new CompileOptions(level, frameStride, lse, listing, environment, hardening, features);
    }

    /// The same options with `hardening`.
    public CompileOptions withHardening(Hardening hardening) {
        return new CompileOptions(level, frameStride, lse, listing, environment, hardening, features);
    }

    /// The same options allowing exactly these ISA extensions (names as in [Target#features]).
    public CompileOptions withFeatures(Set<String> features) {
        return new CompileOptions(level, frameStride, lse, listing, environment, hardening, features);
    }
}
