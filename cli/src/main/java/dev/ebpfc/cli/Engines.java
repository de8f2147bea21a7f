package dev.ebpfc.cli;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.emulator.EmulatedEngine;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.interp.InterpreterEngine;

import java.util.List;

/// The engines `--engine` can name: the reference interpreter, the IR interpreter (the lifted
/// program), compiled code under emulation (`x86_64`, `arm64`, `riscv64` at -O0; `x86_64-O2`,
/// `arm64-O2`, `riscv64-O2` at -O2, which compile the programs the lifter refuses at -O0) and
/// x86_64 code run natively on the host (`native` at -O0, `native-O2`).
final class Engines {
    private Engines() {
    }

    static final List<String> NAMES = List.of("interp", "ir", "ir-O2", "x86_64", "x86_64-O2", "arm64", "arm64-O2", "riscv64",
            "riscv64-O2", "native", "native-O2");

    /// Engines that run the program's own memory accesses unchecked (a wild access can corrupt or
    /// end the process): never given generated programs by `fuzz`.
    static final List<String> UNCHECKED = List.of("native", "native-O2");

    static Engine byName(String name) {
        return switch (name) {
            case "interp" -> new InterpreterEngine();
            case "ir" -> new IrEngine();
            case "ir-O2" -> new IrEngine(2);
            case "x86_64" -> EmulatedEngine.x86_64();
            case "x86_64-O2" -> EmulatedEngine.x86_64O2();
            case "arm64" -> EmulatedEngine.arm64();
            case "arm64-O2" -> EmulatedEngine.arm64O2();
            case "riscv64" -> EmulatedEngine.riscv64();
            case "riscv64-O2" -> EmulatedEngine.riscv64O2();
            case "native" -> nativeEngine(name, CompileOptions.Level.O0);
            case "native-O2" -> nativeEngine(name, CompileOptions.Level.O2);
            default -> throw new UsageException("unknown engine '" + name + "' (available: " + String.join(", ", NAMES) + ")");
        };
    }

    /// x86_64 code at `level` run on this machine; refused with one line on other hosts.
    private static Engine nativeEngine(String name, CompileOptions.Level level) {
        if (!NativeEngine.hostSupported()) {
            throw new UsageException("engine '" + name + "' runs x86_64 code on the host, and this host is " + System.getProperty("os.name")
                    + " " + System.getProperty("os.arch") + " (use --engine x86_64 to emulate)");
        }
        return new NativeEngine(new X86Target(), level);
    }
}
