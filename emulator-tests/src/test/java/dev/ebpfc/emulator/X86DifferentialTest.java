package dev.ebpfc.emulator;

import dev.ebpfc.emulator.diff.ResultDiff;

import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The interpreter and x86_64 -O0 under Unicorn must leave the same whole state (r0, error kind
/// and slot, every region snapshot, helper-call trace, side channels; see [ResultDiff]) on: every
/// conformance program, every ELF fixture's programs on a few packets, and the bench programs on
/// the sample HTTP packet.
class X86DifferentialTest {
    private final Engine interp = new InterpreterEngine();
    private final Engine x86 = EmulatedEngine.x86_64();
    private final List<String> divergences = new ArrayList<>();
    private int runs;

    private void compare(String what, BpfObject object, int program, byte[] input, RuntimeOptions options) {
        ExecutionResult a = interp.run(object, program, new MapSet(object.maps()), RunInput.of(input), options);
        ExecutionResult b = x86.run(object, program, new MapSet(object.maps()), RunInput.of(input), options);
        runs++;
        String diff = ResultDiff.describe("interp", a, "x86_64", b);
        if (!diff.isEmpty()) divergences.add(what + ":\n  " + diff.strip().replace("\n", "\n  "));
    }

    private void assertNoDivergence(int minimumRuns) {
        assertTrue(runs >= minimumRuns, "only " + runs + " runs");
        assertEquals("", String.join("\n", divergences), divergences.size() + " of " + runs + " runs diverge");
        System.out.println(getClass().getSimpleName() + ": " + runs + " runs, whole states equal");
    }

    @Test
    void conformancePrograms() {
        List<Path> files = ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")));
        for (Path f : files) {
            DataFile data = DataFileReader.read(f);
            BpfObject object = new BpfObject(f.toString(), List.of(ProgramDef.of(f.getFileName().toString(), data.program())), List.of(), "");
            byte[] mem = data.mem();
            compare(f.getFileName().toString(), object, 0, mem == null ? new byte[0] : mem, RuntimeOptions.conformance());
        }
        assertNoDivergence(313);
    }

    @Test
    void elfFixturesOnSeveralPackets() throws IOException {
        List<byte[]> packets = List.of(httpPacket(), java.util.Arrays.copyOf(httpPacket(), 20), randomPacket(64), new byte[0]);
        int objects = 0;
        for (Path f : objects(Path.of("../frontend/src/test/resources/fixtures"))) {
            BpfObject object = ObjectLoader.load(f);
            objects++;
            for (int p = 0; p < object.programs().size(); p++) {
                for (int k = 0; k < packets.size(); k++) {
                    compare(f.getFileName() + " " + object.programs().get(p).name() + " packet " + k, object, p, packets.get(k), RuntimeOptions.linux());
                }
            }
        }
        assertTrue(objects >= 20, objects + " fixtures");
        assertNoDivergence(100);
    }

    @Test
    void benchProgramsOnTheSampleHttpPacket() throws IOException {
        for (Path f : objects(Path.of("../bench/programs/obj"))) {
            BpfObject object = ObjectLoader.load(f);
            for (int p = 0; p < object.programs().size(); p++) {
                compare(f.getFileName() + " " + object.programs().get(p).name(), object, p, httpPacket(), RuntimeOptions.linux());
            }
        }
        assertNoDivergence(11);
    }

    static List<Path> objects(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
    }

    static byte[] randomPacket(int n) {
        byte[] p = new byte[n];
        new Random(0xeb_0f).nextBytes(p);
        p[12] = 0x08;
        p[13] = 0x00;
        p[14] = 0x45;
        return p;
    }

    /// The CLI's sample packet (cli's SamplePacket): Ethernet, IPv4 with a valid checksum, TCP to
    /// port 80 with an HTTP/1.1 request, padded to 256 bytes.
    static byte[] httpPacket() {
        byte[] p = new byte[256];
        byte[] eth = HexFormat.of().parseHex("020000000001" + "020000000002" + "0800");
        System.arraycopy(eth, 0, p, 0, eth.length);
        byte[] ip = HexFormat.of().parseHex("45000000" + "12344000" + "40060000" + "0a000001" + "0a000064");
        int totalLength = p.length - 14;
        ip[2] = (byte) (totalLength >> 8);
        ip[3] = (byte) totalLength;
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = ~((sum & 0xffff) + (sum >>> 16)) & 0xffff;
        ip[10] = (byte) (sum >> 8);
        ip[11] = (byte) sum;
        System.arraycopy(ip, 0, p, 14, 20);
        byte[] tcp = HexFormat.of().parseHex("c0de0050" + "00000001" + "00000000" + "5018ffff" + "00000000");
        System.arraycopy(tcp, 0, p, 34, 20);
        byte[] http = "GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: ebpfc-demo\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(http, 0, p, 54, http.length);
        return p;
    }
}
