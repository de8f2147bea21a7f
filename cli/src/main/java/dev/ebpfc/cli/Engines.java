package dev.ebpfc.cli;

import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.interp.InterpreterEngine;

import java.util.List;

/// The engines `--engine` can name: the reference interpreter and the IR interpreter (the lifted
/// program, unoptimised). The compiled engines (x86_64, arm64, riscv64 under emulation, native)
/// join this list as their backends land.
final class Engines {
    private Engines() {
    }

    static final List<String> NAMES = List.of("interp", "ir");

    static Engine byName(String name) {
        return switch (name) {
            case "interp" -> new InterpreterEngine();
            case "ir" -> new IrEngine();
            case "x86_64", "arm64", "riscv64", "native" ->
                    throw new UsageException("engine '" + name + "' is not available yet: its code generator has not landed (available: "
                            + String.join(", ", NAMES) + ")");
            default -> throw new UsageException("unknown engine '" + name + "' (available: " + String.join(", ", NAMES) + ")");
        };
    }
}
