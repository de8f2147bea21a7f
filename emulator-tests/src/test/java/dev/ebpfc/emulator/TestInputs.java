package dev.ebpfc.emulator;

import dev.ebpfc.runtime.context.SamplePackets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/// The inputs the differential tests share: the committed ELF objects and the sample packets.
final class TestInputs {
    private TestInputs() {
    }

    static final Path FIXTURES = Path.of("../frontend/src/test/resources/fixtures");
    static final Path BENCH_OBJECTS = Path.of("../bench/programs/obj");

    /// The `.o` files of `dir`, sorted.
    static List<Path> objects(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
    }

    static byte[] randomPacket(int n) {
        return SamplePackets.random(n);
    }

    /// The CLI demo's sample packet.
    static byte[] httpPacket() {
        return SamplePackets.http();
    }

    /// The packets each fixture runs on: the sample HTTP packet, its first 20 bytes, 64 random
    /// bytes and an empty packet.
    static List<byte[]> fixturePackets() {
        return List.of(httpPacket(), Arrays.copyOf(httpPacket(), 20), randomPacket(64), new byte[0]);
    }
}
