package dev.ebpfc.emulator.aot;

import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The bpf_conformance suite as ahead-of-time executables: every test the interpreter runs (the
/// static check accepts it) and that calls no helper is compiled to an ELF object, linked with
/// examples/aot/host.c and run in raw mode on its `-- mem`; the host must print the interpreter's
/// r0 and memory. This is where RISC-V code compiled with Zba/Zbb runs (Unicorn 2.0 cannot), on
/// a qemu CPU that has exactly the extensions the code was compiled for. Left out, and counted:
/// programs the frontend or the static check refuses (nothing to run) and the two that call the
/// suite's helpers (host.c implements Linux helpers under the same numbers).
class AotConformanceTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.ebpfc.emulator.aot.ElfAotLinkTest#configurations")
    void conformanceProgramsAgreeWithTheInterpreter(AotToolchain toolchain, Set<String> features) throws Exception {
        AotHost host = new AotHost(toolchain, features, dir);
        List<Path> files = ConformanceRunner.collect(List.of(suite().resolve("tests")));
        assertEquals(313, files.size(), "the suite has 313 tests");
        List<String> failures = new ArrayList<>();
        int ran = 0, refused = 0, helpers = 0;
        for (Path f : files) {
            ProgramDef program;
            byte[] mem;
            try {
                DataFile data = DataFileReader.read(f);
                program = ProgramDef.of("conformance", data.program());
                mem = data.mem() == null ? new byte[0] : data.mem();
            } catch (FrontendException e) {
                refused++;
                continue;
            }
            BpfObject object = new BpfObject(f.toString(), List.of(program), List.of(), "");
            ExecutionResult want = new InterpreterEngine().run(object, 0, MapSet.empty(), RunInput.of(mem), RuntimeOptions.conformance());
            if (want.error() == ErrorKind.REJECTED) {
                refused++;
                continue;
            }
            CompiledProgram code = host.compile(program);
            if (AotHost.callsHelpers(code)) {
                helpers++;
                continue;
            }
            String expected = AotHost.expected(want, List.of(), true), got;
            try {
                got = host.run(host.link(code, program.name(), List.of()), mem, true);
            } catch (AssertionFailedError e) {
                got = e.getMessage();
            }
            if (!expected.equals(got)) failures.add(f.getFileName() + ":\n expected " + expected + " got      " + got);
            ran++;
        }
        assertEquals(List.of(), failures, host.label() + ": " + failures.size() + " of " + ran + " differ");
        assertEquals(2, helpers, "tests calling the suite's helpers");
        assertTrue(ran >= 280, "only " + ran + " ran");
        System.out.println("AotConformanceTest " + host.label() + ": " + ran + " agree with the interpreter, " + refused
                + " refused before running, " + helpers + " call the suite's helpers");
    }

    static Path suite() {
        String dir = System.getProperty("ebpfc.conformance.dir");
        Path p = dir == null ? null : Path.of(dir);
        if (p == null || !Files.isDirectory(p.resolve("tests"))) {
            throw new AssertionError("bpf_conformance data not found at " + p + "; set -Debpfc.conformance.dir or EBPFC_CONFORMANCE (see README)");
        }
        return p;
    }
}
