package dev.ebpfc.backend.x86_64.nativeexec;

import dev.ebpfc.runtime.context.SamplePackets;

import java.nio.file.Path;

/// Inputs for native tests: the shared sample packets and the repository root.
final class Packets {
    private Packets() {
    }

    static Path root() {
        return Path.of(System.getProperty("ebpfc.root", ".."));
    }

    static byte[] random(int n) {
        return SamplePackets.random(n);
    }

    static byte[] http() {
        return SamplePackets.http();
    }
}
