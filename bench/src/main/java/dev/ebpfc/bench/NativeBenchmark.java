package dev.ebpfc.bench;

import dev.ebpfc.runtime.context.SamplePackets;
import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/// Native execution of x86_64 -O0 code against the reference interpreter on the bench programs
/// (ns per run, whole runs: environment, copies in and out, result). Compile speed is
/// [CompileBenchmark]. Run: `bench/run-native-benchmark.sh` (both).
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class NativeBenchmark {
    @Param({"checksum", "fnv1a", "crc32", "murmur3", "sort", "strsearch", "packet_parser", "map_count", "call_chain", "v4_heavy", "xdp_lb"})
    public String program;

    @Param({"interp", "native"})
    public String engine;

    private Engine runner;
    private BpfObject object;
    private MapSet maps;
    private RunInput input;
    private final RuntimeOptions options = RuntimeOptions.linux();

    static Path programs() {
        return Path.of(System.getProperty("ebpfc.root", ".")).resolve("bench/programs/obj");
    }

    @Setup
    public void setup() throws IOException {
        object = ObjectLoader.load(programs().resolve(program + ".o"));
        maps = new MapSet(object.maps());
        input = RunInput.of(SamplePackets.http());
        runner = engine.equals("native") ? new NativeEngine(new X86Target()) : new InterpreterEngine();
        ExecutionResult r = runner.run(object, 0, maps, input, options);
        if (r.error() != ErrorKind.NONE) throw new IllegalStateException(program + " on " + engine + ": " + r);
    }

    @TearDown
    public void tearDown() {
        if (runner instanceof NativeEngine n) n.close();
    }

    @Benchmark
    public long run() {
        return runner.run(object, 0, maps, input, options).r0();
    }
}
