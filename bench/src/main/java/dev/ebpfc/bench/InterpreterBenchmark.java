package dev.ebpfc.bench;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.runtime.maps.MapSet;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/// Speed of the reference interpreter on three realistic hand-built programs. The `instructions`
/// counter is in executed eBPF instructions per microsecond, so ns per instruction = 1000 / score.
/// Run: see the README section "Benchmarks" (or `bench/run-interpreter-benchmark.sh`).
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Thread)
public class InterpreterBenchmark {
    /// Counts executed instructions; JMH reports them as a rate next to the per-run rate.
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counters {
        public long instructions;

        @Setup(Level.Iteration)
        public void reset() {
            instructions = 0;
        }
    }

    private Interpreter checksum;
    private Interpreter hash;
    private Interpreter mapCount;
    private RunInput packet;
    private MapSet maps;

    @Setup
    public void setup() {
        byte[] bytes = new byte[1500];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 31 + 7);
        packet = RunInput.of(bytes);
        RuntimeOptions raw = RuntimeOptions.linux().withContext(ContextKind.RAW);
        checksum = new Interpreter(checksumProgram(), raw);
        hash = new Interpreter(fnvProgram(), raw);
        mapCount = new Interpreter(mapCountProgram(), raw);
        maps = new MapSet(List.of(MapDef.map("counts", MapType.ARRAY, 4, 8, 16, 0)));
        for (Interpreter in : List.of(checksum, hash, mapCount)) {
            ExecutionResult r = in.run(maps, packet);
            if (r.error() != ErrorKind.NONE) throw new IllegalStateException(r.toString());
        }
    }

    @Benchmark
    public long checksumLoop(Counters c) {
        ExecutionResult r = checksum.run(maps, packet);
        c.instructions += r.executed();
        return r.r0();
    }

    @Benchmark
    public long fnvHashLoop(Counters c) {
        ExecutionResult r = hash.run(maps, packet);
        c.instructions += r.executed();
        return r.r0();
    }

    @Benchmark
    public long mapLookupCountLoop(Counters c) {
        ExecutionResult r = mapCount.run(maps, packet);
        c.instructions += r.executed();
        return r.r0();
    }

    private static Reg r(int n) {
        return Reg.of(n);
    }

    private static Insn alu(AluOp op, int d, int imm) {
        return new Insn.Alu(Width.W64, op, r(d), new Imm(imm));
    }

    private static Insn alur(AluOp op, int d, int s) {
        return new Insn.Alu(Width.W64, op, r(d), r(s));
    }

    /// Internet checksum of the whole `mem` (r1, r2 = length), 16 bits at a time, then folded:
    /// the bounds-checked loop every packet program has.
    static Program checksumProgram() {
        List<Insn> p = new ArrayList<>();
        p.add(alu(AluOp.MOV, 0, 0));                                   // sum
        p.add(alur(AluOp.MOV, 3, 1));                                  // cursor
        p.add(alur(AluOp.MOV, 4, 1));
        p.add(alur(AluOp.ADD, 4, 2));                                  // end
        // loop: if cursor + 2 > end goto fold
        p.add(alur(AluOp.MOV, 5, 3));
        p.add(alu(AluOp.ADD, 5, 2));
        p.add(new Insn.Jump(Width.W64, Cond.JGT, r(5), r(4), (short) 4));
        p.add(new Insn.Load(Size.H, false, r(6), r(3), (short) 0));
        p.add(alur(AluOp.ADD, 0, 6));
        p.add(alu(AluOp.ADD, 3, 2));
        p.add(new Insn.Goto(-7, false));
        // fold twice and complement
        for (int i = 0; i < 2; i++) {
            p.add(alur(AluOp.MOV, 6, 0));
            p.add(alu(AluOp.RSH, 6, 16));
            p.add(alu(AluOp.AND, 0, 0xffff));
            p.add(alur(AluOp.ADD, 0, 6));
        }
        p.add(alu(AluOp.XOR, 0, 0xffff));
        p.add(new Insn.Exit());
        return new Program(p);
    }

    /// 64-bit FNV-1a over `mem`, byte by byte.
    static Program fnvProgram() {
        List<Insn> p = new ArrayList<>();
        p.add(Insn.LoadImm64.constant(r(0), 0xcbf29ce484222325L));
        p.add(Insn.LoadImm64.constant(r(7), 0x100000001b3L));
        p.add(alu(AluOp.MOV, 3, 0));                                   // i
        // loop: if i >= len goto exit
        p.add(new Insn.Jump(Width.W64, Cond.JGE, r(3), r(2), (short) 7));
        p.add(alur(AluOp.MOV, 4, 1));
        p.add(alur(AluOp.ADD, 4, 3));
        p.add(new Insn.Load(Size.B, false, r(5), r(4), (short) 0));
        p.add(alur(AluOp.XOR, 0, 5));
        p.add(alur(AluOp.MUL, 0, 7));
        p.add(alu(AluOp.ADD, 3, 1));
        p.add(new Insn.Goto(-8, false));
        p.add(new Insn.Exit());
        return new Program(p);
    }

    /// 100 iterations of: key = i & 15 on the stack, map_lookup_elem, atomic add 1 to the value.
    static Program mapCountProgram() {
        List<Insn> p = new ArrayList<>();
        p.add(alu(AluOp.MOV, 6, 0));                                   // i
        // loop (slot 1)
        p.add(alur(AluOp.MOV, 7, 6));
        p.add(alu(AluOp.AND, 7, 15));
        p.add(new Insn.Store(Size.W, r(10), (short) -4, r(7)));
        p.add(new Insn.LoadImm64(r(1), LddwSource.MAP_IDX, 0, 0));     // slots 4-5
        p.add(alur(AluOp.MOV, 2, 10));
        p.add(alu(AluOp.ADD, 2, -4));
        p.add(new Insn.Call(CallKind.HELPER, 1));
        p.add(new Insn.Jump(Width.W64, Cond.JEQ, r(0), new Imm(0), (short) 2));
        p.add(alu(AluOp.MOV, 1, 1));
        p.add(new Insn.Atomic(Size.DW, AtomicOp.ADD, false, r(0), (short) 0, r(1)));
        p.add(alu(AluOp.ADD, 6, 1));
        p.add(new Insn.Jump(Width.W64, Cond.JLT, r(6), new Imm(100), (short) -13));
        p.add(alu(AluOp.MOV, 0, 0));
        p.add(new Insn.Exit());
        return new Program(p);
    }
}
