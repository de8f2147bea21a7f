package dev.ebpfc.cli;

import dev.ebpfc.emulator.EmulatedEngine;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.interp.InterpreterEngine;

import java.util.List;

/// The engines `--engine` can name: the interpreter and compiled code under emulation (`x86_64`,
/// -O0). arm64, riscv64, native and ir join this list as their backends land.
final class Engines {
    private Engines() {
    }

    static final List<String> NAMES = List.of("interp", "x86_64");

    static Engine byName(String name) {
        return switch (name) {
            case "interp" -> new InterpreterEngine();
            case "x86_64" -> EmulatedEngine.x86_64();
            case "arm64", "riscv64", "native", "ir" ->
                    throw new UsageException("engine '" + name + "' is not available yet: its code generator has not landed (available: "
                            + String.join(", ", NAMES) + ")");
            default -> throw new UsageException("unknown engine '" + name + "' (available: " + String.join(", ", NAMES) + ")");
        };
    }
}
