package dev.ebpfc.emulator.aot;

import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.arm64.Arm64Target;
import dev.ebpfc.backend.elf.ElfObjectWriter;
import dev.ebpfc.backend.riscv64.Riscv64Target;
import dev.ebpfc.backend.x86_64.X86Target;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/// Per target, how an AOT object becomes a running program: the C compiler that links it with
/// examples/aot/host.c, and what runs the executable. x86_64 runs natively; arm64 and riscv64
/// link static executables with the Debian cross compilers and run them under qemu-user (the same
/// choices as examples/aot/Makefile). The Debian package of each tool is named so a missing one
/// fails with the command that installs it.
enum AotToolchain {
    X86_64(X86Target::new, ElfObjectWriter.Machine.X86_64, "gcc", "gcc", List.of(), null, null),
    ARM64(Arm64Target::new, ElfObjectWriter.Machine.AARCH64, "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu", List.of("-static"),
            "qemu-aarch64", "qemu-user"),
    RISCV64(Riscv64Target::new, ElfObjectWriter.Machine.RISCV, "riscv64-linux-gnu-gcc", "gcc-riscv64-linux-gnu", List.of("-static"),
            "qemu-riscv64", "qemu-user");

    private final Supplier<Target> target;
    final ElfObjectWriter.Machine machine;
    final String cc;
    final String ccPackage;
    final List<String> linkFlags;
    private final String emulator;
    final String emulatorPackage;

    AotToolchain(Supplier<Target> target, ElfObjectWriter.Machine machine, String cc, String ccPackage, List<String> linkFlags,
                 String emulator, String emulatorPackage) {
        this.target = target;
        this.machine = machine;
        this.cc = cc;
        this.ccPackage = ccPackage;
        this.linkFlags = linkFlags;
        this.emulator = emulator;
        this.emulatorPackage = emulatorPackage;
    }

    Target target() {
        return target.get();
    }

    /// The command prefix that runs an executable built for code compiled with `features`
    /// (empty: run it directly). qemu 7.2's `rv64` CPU has Zba and Zbb on by default, so every
    /// extension the code was not compiled for is switched off: baseline code that used one would
    /// die of an illegal instruction instead of passing. C cannot be switched off (the static
    /// glibc the host links is compressed).
    List<String> runner(Set<String> features) {
        List<String> out = new ArrayList<>();
        if (emulator == null) return out;
        out.add(emulator);
        if (this == RISCV64) {
            out.add("-cpu");
            out.add("rv64,zba=" + features.contains("zba") + ",zbb=" + features.contains("zbb"));
        }
        return out;
    }

    /// The emulator that runs this target's executables (the first word of [#runner]), or null.
    String emulator() {
        return emulator;
    }
}
