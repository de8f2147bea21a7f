package dev.ebpfc.runtime.conformance;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/// Runs bpf_conformance `.data` files on an engine, with the suite's conventions: its helper
/// table, r1 = the `-- mem` bytes, r2 = their length. A file passes when its `-- result` equals
/// r0, or, when it has an `-- error` section, when it is rejected at any stage (reading,
/// assembling, decoding, the static check) or stops with an error.
public final class ConformanceRunner {
    private final Engine engine;
    private final RuntimeOptions options;

    public ConformanceRunner(Engine engine, RuntimeOptions options) {
        this.engine = engine;
        this.options = options;
    }

    public ConformanceRunner(Engine engine) {
        this(engine, RuntimeOptions.conformance());
    }

    /// The `.data` files under each path (a file or a folder, searched recursively), sorted.
    public static List<Path> collect(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(f -> f.toString().endsWith(".data") && Files.isRegularFile(f)).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }

    public ConformanceCase run(Path file) {
        String name = file.toString();
        DataFile data;
        try {
            data = DataFileReader.read(file);
        } catch (FrontendException e) {
            return new ConformanceCase(name, false, "cannot read: " + e.getMessage(), null, null);
        }
        boolean expectError = data.has(DataFile.ERROR);
        OptionalLong expected = data.result();
        Long want = expected.isPresent() ? expected.getAsLong() : null;
        ProgramDef program;
        try {
            program = ProgramDef.of(file.getFileName().toString(), data.program());
        } catch (FrontendException e) {
            return expectError
                    ? new ConformanceCase(name, true, "rejected as expected: " + e.getMessage(), want, null)
                    : new ConformanceCase(name, false, "rejected: " + e.getMessage(), want, null);
        }
        if (!expectError && want == null) {
            return new ConformanceCase(name, false, "has neither -- result nor -- error", null, null);
        }
        BpfObject object = new BpfObject(name, List.of(program), List.of(), "");
        byte[] mem = data.mem();
        ExecutionResult r = engine.run(object, 0, MapSet.empty(), RunInput.of(mem == null ? new byte[0] : mem), options);
        if (expectError) {
            return r.error() != ErrorKind.NONE
                    ? new ConformanceCase(name, true, "rejected as expected: " + r.message(), want, null)
                    : new ConformanceCase(name, false, "expected an error, got r0 = 0x" + Long.toHexString(r.r0()), want, r.r0());
        }
        if (r.error() != ErrorKind.NONE && r.error() != ErrorKind.UNWIND) {
            return new ConformanceCase(name, false, r.error().name().toLowerCase() + ": " + r.message(), want, null);
        }
        return r.r0() == want
                ? new ConformanceCase(name, true, "r0 = 0x" + Long.toHexString(r.r0()), want, r.r0())
                : new ConformanceCase(name, false, "expected 0x" + Long.toHexString(want) + ", got 0x" + Long.toHexString(r.r0()), want, r.r0());
    }
}
