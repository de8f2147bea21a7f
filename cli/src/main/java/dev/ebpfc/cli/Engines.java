package dev.ebpfc.cli;

import dev.ebpfc.emulator.EmulatedEngine;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.interp.InterpreterEngine;

import java.util.List;

/// The engines `--engine` can name: the reference interpreter, the IR interpreter (the lifted
/// program) and compiled code under emulation (`x86_64`, `arm64`, `riscv64`, -O0). Native
/// host execution joins this list when it lands.
final class Engines {
    private Engines() {
    }

    static final List<String> NAMES = List.of("interp", "ir", "x86_64", "arm64", "riscv64");

    static Engine byName(String name) {
        return switch (name) {
            case "interp" -> new InterpreterEngine();
            case "ir" -> new IrEngine();
            case "x86_64" -> EmulatedEngine.x86_64();
            case "arm64" -> EmulatedEngine.arm64();
            case "riscv64" -> EmulatedEngine.riscv64();
            case "native" ->
                    throw new UsageException("engine '" + name + "' is not available yet: its code generator has not landed (available: "
                            + String.join(", ", NAMES) + ")");
            default -> throw new UsageException("unknown engine '" + name + "' (available: " + String.join(", ", NAMES) + ")");
        };
    }
}
