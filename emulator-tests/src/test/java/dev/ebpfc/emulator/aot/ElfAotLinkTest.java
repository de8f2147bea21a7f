package dev.ebpfc.emulator.aot;

import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.context.SamplePackets;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Ahead-of-time objects against the interpreter, on every target: each bench program whose
/// helpers the example host provides (maps, packets, local calls) is compiled to an ELF object,
/// linked with examples/aot/host.c (gcc natively; the Debian cross compilers, static, for arm64
/// and riscv64), run on two sample packets (natively, or under qemu-user), and must print the
/// interpreter's r0, map contents and packet bytes. riscv64 runs three times: baseline code on a
/// qemu CPU without Zba/Zbb, code compiled with them on one that has them, and with compressed
/// instructions as well.
class ElfAotLinkTest {
    @TempDir
    Path dir;

    static Stream<Arguments> configurations() {
        return Stream.of(Arguments.of(AotToolchain.X86_64, Set.of()), Arguments.of(AotToolchain.ARM64, Set.of()),
                Arguments.of(AotToolchain.RISCV64, Set.of()), Arguments.of(AotToolchain.RISCV64, Set.of("zba", "zbb")),
                Arguments.of(AotToolchain.RISCV64, Set.of("zba", "zbb", "c")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void benchProgramsLinkedWithTheExampleHostAgreeWithTheInterpreter(AotToolchain toolchain, Set<String> features) throws Exception {
        AotHost host = new AotHost(toolchain, features, dir);
        List<byte[]> packets = List.of(SamplePackets.http(), SamplePackets.random(1500));
        List<String> checked = new ArrayList<>(), failures = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(AotHost.root().resolve("bench/programs/obj"))) {
            files = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        for (Path f : files) {
            BpfObject object = ObjectLoader.load(f);
            for (int p = 0; p < object.programs().size(); p++) {
                String name = object.programs().get(p).name();
                CompiledProgram code = host.compile(object.programs().get(p));
                if (!AotHost.callsOnlyHostHelpers(code)) continue;
                Path exe = host.link(code, name, object.maps());
                for (byte[] packet : packets) {
                    ExecutionResult want = new InterpreterEngine().run(object, p, new MapSet(object.maps()), RunInput.of(packet), RuntimeOptions.linux());
                    String expected = AotHost.expected(want, object.maps(), false);
                    String got;
                    try {
                        got = host.run(exe, packet, false);
                    } catch (AssertionFailedError e) {
                        got = e.getMessage();
                    }
                    if (!expected.equals(got)) failures.add(name + " on " + packet.length + " bytes:\n expected " + expected + " got      " + got);
                }
                checked.add(name);
            }
        }
        assertEquals(List.of(), failures, host.label());
        assertTrue(checked.size() >= 8, "only " + checked);
        System.out.println("ElfAotLinkTest " + host.label() + ": linked and ran " + checked + " on " + packets.size() + " packets each");
    }
}
