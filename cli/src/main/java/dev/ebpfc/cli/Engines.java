package dev.ebpfc.cli;

<<<<<<< HEAD
import dev.ebpfc.ir.interp.IrEngine;
=======
import dev.ebpfc.emulator.EmulatedEngine;
>>>>>>> jit-x86
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.interp.InterpreterEngine;

import java.util.List;

<<<<<<< HEAD
/// The engines `--engine` can name: the reference interpreter and the IR interpreter (the lifted
/// program, unoptimised). The compiled engines (x86_64, arm64, riscv64 under emulation, native)
/// join this list as their backends land.
=======
/// The engines `--engine` can name: the interpreter and compiled code under emulation (`x86_64`,
/// -O0). arm64, riscv64, native and ir join this list as their backends land.
>>>>>>> jit-x86
final class Engines {
    private Engines() {
    }

<<<<<<< HEAD
    static final List<String> NAMES = List.of("interp", "ir");
=======
    static final List<String> NAMES = List.of("interp", "x86_64");
>>>>>>> jit-x86

    static Engine byName(String name) {
        return switch (name) {
            case "interp" -> new InterpreterEngine();
<<<<<<< HEAD
            case "ir" -> new IrEngine();
            case "x86_64", "arm64", "riscv64", "native" ->
=======
            case "x86_64" -> EmulatedEngine.x86_64();
            case "arm64", "riscv64", "native", "ir" ->
>>>>>>> jit-x86
                    throw new UsageException("engine '" + name + "' is not available yet: its code generator has not landed (available: "
                            + String.join(", ", NAMES) + ")");
            default -> throw new UsageException("unknown engine '" + name + "' (available: " + String.join(", ", NAMES) + ")");
        };
    }
}
