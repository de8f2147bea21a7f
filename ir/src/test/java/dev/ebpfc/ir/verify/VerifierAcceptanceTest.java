package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// What ordinary programs get: every program of every ELF fixture (the llvm-objdump instruction
/// samples included) and bench object is accepted in strict mode, and every conformance test
/// program is accepted in trusted mode.
class VerifierAcceptanceTest {

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

    static VerifierResult verify(BpfObject obj, ProgramDef p) {
        return Verifier.verify(p, obj.maps(), ContextKind.ofSection(p.section()), HelperProfile.LINUX, Mode.STRICT);
    }

    @Test
    void fixturesAndBenchProgramsAreAcceptedInStrictMode() throws IOException {
        List<Path> files = objects();
        assertTrue(files.size() >= 25, "only " + files.size() + " objects");
        List<String> wrong = new ArrayList<>();
        int programs = 0;
        for (Path f : files) {
            BpfObject obj = ObjectLoader.load(f);
            String name = f.getFileName().toString();
            for (ProgramDef p : obj.programs()) {
                programs++;
                VerifierResult r = verify(obj, p);
                if (!r.accepted()) wrong.add(name + " " + p.name() + ": " + r.messages().getFirst());
            }
        }
        System.out.println("verified " + programs + " programs of " + files.size() + " objects");
        assertEquals(List.of(), wrong);
    }

    /// The load balancer, the largest program: its cost stays bounded (warm JVM, fifth run).
    @Test
    void loadBalancerCost() throws IOException {
        BpfObject obj = ObjectLoader.load(root().resolve("bench/programs/obj/xdp_lb.o"));
        VerifierResult r = null;
        for (int i = 0; i < 5; i++) r = verify(obj, obj.programs().getFirst());
        System.out.printf("xdp_lb: %d IR instructions interpreted, %d block states, %.1f ms%n", r.instructions(), r.states(), r.nanos() / 1e6);
        assertTrue(r.accepted(), r.summary());
        assertTrue(r.states() < 20_000, r.states() + " states");
    }

    @Test
    void conformanceProgramsAreAcceptedInTrustedMode() {
        String dir = System.getProperty("ebpfc.conformance.dir");
        assertTrue(dir != null, "system property ebpfc.conformance.dir is not set");
        List<Path> files = ConformanceRunner.collect(List.of(Path.of(dir, "tests")));
        assertTrue(files.size() >= 300, "only " + files.size() + " conformance tests");
        List<String> wrong = new ArrayList<>();
        for (Path f : files) {
            DataFile data;
            try {
                data = DataFileReader.read(f);
            } catch (FrontendException e) {
                wrong.add(f.getFileName() + ": does not read: " + e.getMessage());
                continue;
            }
            ProgramDef def = ProgramDef.of(f.getFileName().toString(), data.program());
            VerifierResult r = Verifier.verify(def, List.of(), ContextKind.RAW, HelperProfile.CONFORMANCE, Mode.TRUSTED);
            if (!r.accepted()) wrong.add(f.getFileName() + ": " + r.summary());
        }
        assertEquals(List.of(), wrong, wrong.size() + " of " + files.size() + " rejected");
    }
}
