package dev.ebpfc.backend.x86_64.nativeexec;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.elf.ElfObjectWriter;
import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RegionSnapshot;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// Ahead-of-time objects against the interpreter: each bench program whose helpers the example
/// host provides is compiled to an ELF object, linked with examples/aot/host.c by gcc, run on the
/// sample HTTP packet, and must print the interpreter's r0 and map contents.
class ElfAotLinkTest {
    /// Helpers examples/aot/host.c implements (Linux numbering).
    private static final Set<Integer> HOST_HELPERS = Set.of(1, 2, 3, 5, 7);

    @TempDir
    Path dir;

    @Test
    void benchProgramsLinkedWithTheExampleHostAgreeWithTheInterpreter() throws Exception {
        Path host = Packets.root().resolve("examples/aot");
        Path packet = dir.resolve("packet.bin");
        Files.write(packet, Packets.http());
        List<String> checked = new ArrayList<>(), failures = new ArrayList<>();
        for (Path f : NativeDifferentialTest.objects(Packets.root().resolve("bench/programs/obj"))) {
            BpfObject object = ObjectLoader.load(f);
            for (int p = 0; p < object.programs().size(); p++) {
                String name = object.programs().get(p).name();
                CompiledProgram code = new X86Target().compile(object.programs().get(p), new CompileOptions(CompileOptions.Level.O0, NativeEngine.FRAME_STRIDE));
                if (!code.pool().stream().allMatch(e -> !(e instanceof PoolEntry.Helper h) || HOST_HELPERS.contains(h.id()))) continue;
                Path obj = dir.resolve(name + ".o");
                Files.write(obj, ElfObjectWriter.write(code, name, object.maps(), ElfObjectWriter.Machine.X86_64));
                Path exe = dir.resolve("host-" + name);
                run(List.of("gcc", "-O1", "-no-pie", "-DPROG=" + ElfObjectWriter.cName(name), "-I" + host, "-o", exe.toString(),
                        host.resolve("host.c").toString(), obj.toString()));
                String out = run(List.of(exe.toString(), packet.toString()));
                ExecutionResult want = new InterpreterEngine().run(object, p, new MapSet(object.maps()), RunInput.of(Packets.http()), RuntimeOptions.linux());
                StringBuilder expected = new StringBuilder("r0=0x" + Long.toHexString(want.r0()) + "\n");
                for (var m : object.maps()) {
                    boolean dumped = m.type() == MapType.ARRAY || m.type() == MapType.PERCPU_ARRAY || m.type() == MapType.HASH
                            || m.type() == MapType.PERCPU_HASH || m.type() == MapType.LRU_HASH || m.type() == MapType.LRU_PERCPU_HASH;
                    RegionSnapshot s = want.region("map " + m.name());
                    expected.append("map ").append(m.name()).append(": ").append(dumped && s != null ? HexFormat.of().formatHex(s.bytes()) : "").append('\n');
                }
                if (!expected.toString().equals(out)) failures.add(name + ":\n expected " + expected + " got      " + out);
                checked.add(name);
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(checked.size() >= 8, "only " + checked);
        System.out.println("ElfAotLinkTest: linked and ran " + checked);
    }

    /// Runs a command, failing with its output when it fails; a missing gcc says so.
    static String run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail(command.get(0) + " not found: the AOT link test needs gcc (apt-get install gcc) to link objects with examples/aot/host.c");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }
}
