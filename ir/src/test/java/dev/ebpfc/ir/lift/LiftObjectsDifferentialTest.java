package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Every ELF fixture of the frontend and every bench program, each program on every packet of
/// [TestPackets]: the bytecode interpreter and the IR interpreter agree on the whole result. The
/// load balancer gets a VIP (10.0.0.100:80/TCP, sticky), four backends and a filled hash ring, so
/// its forwarding paths (TCP to port 80, any UDP port, ICMP echo) run too.
class LiftObjectsDifferentialTest {
    static Path root() {
        String r = System.getProperty("ebpfc.root");
        assertTrue(r != null, "system property ebpfc.root is not set");
        return Path.of(r);
    }

    static List<Path> objects() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : List.of(root().resolve("frontend/src/test/resources/fixtures"), root().resolve("bench/programs/obj"))) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".o")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void interpretersAgreeOnFixturesAndBenchPrograms() throws IOException {
        List<Path> files = objects();
        assertTrue(files.size() >= 25, "only " + files.size() + " objects found");
        List<String> mismatches = new ArrayList<>();
        int runs = 0, programs = 0, okRuns = 0;
        RuntimeOptions options = RuntimeOptions.linux();
        for (Path f : files) {
            BpfObject obj = ObjectLoader.load(f);
            for (int i = 0; i < obj.programs().size(); i++) {
                ProgramDef p = obj.programs().get(i);
                programs++;
                for (byte[] packet : TestPackets.all()) {
                    MapSet ma = maps(obj), mb = maps(obj);
                    ExecutionResult a = new Interpreter(obj.programs(), options).run(i, ma, RunInput.of(packet));
                    ExecutionResult b = IrEngine.interpreter(obj, i, options).run(i, mb, RunInput.of(packet));
                    String why = Differential.compare(a, b);
                    if (why != null) mismatches.add(f.getFileName() + " " + p.name() + " (" + packet.length + "-byte packet): " + why);
                    runs++;
                    if (a.ok()) okRuns++;
                }
            }
        }
        System.out.println("objects: " + files.size() + " files, " + programs + " programs, " + runs + " runs (" + okRuns + " returned normally)");
        assertEquals(List.of(), mismatches, mismatches.size() + " of " + runs + " runs differ");
    }

    /// The object's maps, with the load balancer's tables filled.
    static MapSet maps(BpfObject obj) {
        MapSet m = new MapSet(obj.maps());
        if (m.byName("vips") != null && m.byName("backends") != null && m.byName("ring") != null) {
            ByteBuffer key = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
            key.put(TestPackets.VIP).position(16);
            key.put((byte) 0).put((byte) 80).put((byte) 6).put((byte) 4);
            m.put("vips", key.array(), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(1).array());
            // Any port and ICMP: VIP index 1, sticky and port-less.
            for (int proto : new int[]{1, 17}) {
                key.put(16, (byte) 0).put(17, (byte) 0).put(18, (byte) proto);
                m.put("vips", key.array(), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(3).array());
            }
            int backendSize = m.byName("backends").def.valueSize();
            for (int b = 0; b < 4; b++) {
                ByteBuffer be = ByteBuffer.allocate(backendSize).order(ByteOrder.LITTLE_ENDIAN);
                be.put(new byte[]{10, 1, 0, (byte) (b + 1)}).position(16);
                be.put(new byte[]{2, 0, 0, 0, 1, (byte) b}).putShort((short) 1);
                m.put("backends", u32(b), be.array());
            }
            for (int s = 0; s < 128; s++) m.put("ring", u32(s), u32(s % 4));
        }
        return m;
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
