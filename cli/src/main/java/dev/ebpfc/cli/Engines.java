package dev.ebpfc.cli;

import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.emulator.EmulatedEngine;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.interp.InterpreterEngine;

import java.util.List;

/// The engines `--engine` can name: the reference interpreter, the IR interpreter (the lifted
/// program), compiled code under emulation (`x86_64`, `arm64`, `riscv64` at -O0; `x86_64-O2`,
/// whose -O2 path takes arithmetic-only programs so far and falls back to -O0 for the rest) and
/// x86_64 -O0 code run natively on the host (`native`).
final class Engines {
    private Engines() {
    }

    static final List<String> NAMES = List.of("interp", "ir", "x86_64", "x86_64-O2", "arm64", "riscv64", "native");

    /// Engines that run the program's own memory accesses unchecked (a wild access can corrupt or
    /// end the process): never given generated programs by `fuzz`.
    static final List<String> UNCHECKED = List.of("native");

    static Engine byName(String name) {
        return switch (name) {
            case "interp" -> new InterpreterEngine();
            case "ir" -> new IrEngine();
            case "x86_64" -> EmulatedEngine.x86_64();
            case "x86_64-O2" -> EmulatedEngine.x86_64O2();
            case "arm64" -> EmulatedEngine.arm64();
            case "riscv64" -> EmulatedEngine.riscv64();
            case "native" -> nativeEngine();
            default -> throw new UsageException("unknown engine '" + name + "' (available: " + String.join(", ", NAMES) + ")");
        };
    }

    /// x86_64 -O0 code run on this machine; refused with one line on other hosts.
    private static Engine nativeEngine() {
        if (!NativeEngine.hostSupported()) {
            throw new UsageException("engine 'native' runs x86_64 code on the host, and this host is " + System.getProperty("os.name")
                    + " " + System.getProperty("os.arch") + " (use --engine x86_64 to emulate)");
        }
        return new NativeEngine(new X86Target());
    }
}
