package dev.ebpfc.bench;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.ProgramDef;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/// x86_64 -O0 compile speed on bench programs: the `instructions` counter is in BPF slots
/// compiled per millisecond. Run: `bench/run-native-benchmark.sh CompileBenchmark`.
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CompileBenchmark {
    @Param({"xdp_lb", "packet_parser", "v4_heavy"})
    public String program;

    private ProgramDef def;
    private final X86Target target = new X86Target();
    private final CompileOptions options = new CompileOptions(CompileOptions.Level.O0, NativeEngine.FRAME_STRIDE);

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counters {
        public long instructions;

        @Setup(Level.Iteration)
        public void reset() {
            instructions = 0;
        }
    }

    @Setup
    public void setup() throws IOException {
        def = ObjectLoader.load(NativeBenchmark.programs().resolve(program + ".o")).programs().getFirst();
    }

    @Benchmark
    public int compile(Counters c) {
        c.instructions += def.program().slotCount();
        return target.compile(def, options).codeSize();
    }
}
