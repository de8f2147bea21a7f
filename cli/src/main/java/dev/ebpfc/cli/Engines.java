package dev.ebpfc.cli;

import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.emulator.EmulatedEngine;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.interp.InterpreterEngine;

import java.util.List;

/// The engines `--engine` can name: the reference interpreter, the IR interpreter (the lifted
/// program), compiled code under emulation (`x86_64`, -O0) and x86_64 -O0 code run natively on
/// the host (`native`). arm64 and riscv64 join this list as their backends land.
final class Engines {
    private Engines() {
    }

    static final List<String> NAMES = List.of("interp", "ir", "x86_64", "native");

    static Engine byName(String name) {
        return switch (name) {
            case "interp" -> new InterpreterEngine();
            case "ir" -> new IrEngine();
            case "x86_64" -> EmulatedEngine.x86_64();
            case "native" -> nativeEngine();
            case "arm64", "riscv64" ->
                    throw new UsageException("engine '" + name + "' is not available yet: its code generator has not landed (available: "
                            + String.join(", ", NAMES) + ")");
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
