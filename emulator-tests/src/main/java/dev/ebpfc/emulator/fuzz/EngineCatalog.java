package dev.ebpfc.emulator.fuzz;

import dev.ebpfc.emulator.EmulatedEngine;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.runtime.interp.InterpreterEngine;

import java.util.List;
import java.util.Optional;

/// Every engine emulator-tests can build, by name, for the tests and campaigns that live here
/// (the build's differential campaign, the Jazzer fuzz test). `interp`, the reference, is first.
///
/// **The one place to register an engine for in-build fuzzing**: whoever lands an engine visible
/// from emulator-tests (the x86_64/arm64/riscv64 emulated engines, the IR interpreter engine) adds
/// one line to [#ALL] below, and every campaign and fuzz test picks it up. The user-facing
/// registry is cli's `Engines` (`--engine`, `--engines`), which may also offer engines this module
/// cannot see (`native`).
public final class EngineCatalog {
    private EngineCatalog() {
    }

    /// Reference first, then every other engine, in a fixed order (campaign results are per engine).
    public static final List<EngineFactory> ALL = List.of(
            new EngineFactory("interp", InterpreterEngine::new),
            new EngineFactory("ir", IrEngine::new),
            new EngineFactory("ir-O2", () -> new IrEngine(2)),
            new EngineFactory("x86_64", EmulatedEngine::x86_64),
            new EngineFactory("arm64", EmulatedEngine::arm64),
            new EngineFactory("riscv64", EmulatedEngine::riscv64),
            new EngineFactory("x86_64-O2", EmulatedEngine::x86_64O2),
            new EngineFactory("arm64-O2", EmulatedEngine::arm64O2),
            new EngineFactory("riscv64-O2", EmulatedEngine::riscv64O2)
    );

    public static List<String> names() {
        return ALL.stream().map(EngineFactory::name).toList();
    }

    public static Optional<EngineFactory> byName(String name) {
        return ALL.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
