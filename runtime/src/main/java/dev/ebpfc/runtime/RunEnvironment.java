package dev.ebpfc.runtime;

import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.ProgramContext;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.helpers.Helper;
import dev.ebpfc.runtime.helpers.HelperEnvironment;
import dev.ebpfc.runtime.helpers.HelperException;
import dev.ebpfc.runtime.maps.BpfMap;
import dev.ebpfc.runtime.maps.MapSet;
import dev.ebpfc.runtime.maps.ProgArrayMap;
import dev.ebpfc.runtime.maps.RingBufMap;
import dev.ebpfc.runtime.memory.AddressSpace;
import dev.ebpfc.runtime.memory.Memory;
import dev.ebpfc.runtime.memory.MemoryAccessException;
import dev.ebpfc.runtime.memory.MemoryLayout;
import dev.ebpfc.runtime.memory.Region;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/// The world of one run, shared by every engine so that all of them build the same memory, call
/// helpers the same way and report the same [ExecutionResult]: the address space of
/// [MemoryLayout] (context, packet or `mem`, map values, stack frames by call depth), the helper
/// environment and the helper-call trace.
///
/// The interpreter reads and writes the regions' byte arrays directly. An engine that keeps
/// memory elsewhere (an emulator) maps [#regions] at their bases, copies their bytes in before
/// the run, out after it, and out/in around every [#callHelper], so Java helpers see and change
/// the same bytes as the compiled code.
public final class RunEnvironment {
    private static final int STACK_WINDOW = MemoryLayout.window(MemoryLayout.STACK_BASE);

    private final RuntimeOptions options;
    private final MapSet maps;
    private final ProgramContext context;
    private final AddressSpace space = new AddressSpace();
    private final Region[] frames = new Region[MemoryLayout.MAX_FRAMES];
    private final HelperEnvironment env;
    private final List<HelperCall> trace = new ArrayList<>();

    public RunEnvironment(ContextKind kind, MapSet maps, RunInput input, RuntimeOptions options) {
        this(kind, maps, input, options, UnaryOperator.identity());
    }

    /// As above, with the memory helpers see wrapped by `helperMemory` (given the address space):
    /// an engine whose program memory lives elsewhere (native execution) brings a region's bytes
    /// up to date before a helper touches them. Engines and the interpreter keep using [#space].
    public RunEnvironment(ContextKind kind, MapSet maps, RunInput input, RuntimeOptions options, UnaryOperator<Memory> helperMemory) {
        this.options = options;
        this.maps = maps;
        this.context = new ProgramContext(kind, input);
        context.mapInto(space);
        for (BpfMap m : maps.all()) if (m.region() != null) space.map(m.region());
        space.map(frame(0));
        this.env = new HelperEnvironment(helperMemory.apply(space), maps, context, options.helpers());
    }

    /// The context kind of a run: the options' choice, else what the entry program's section
    /// implies. Tail-called programs keep the entry's context, as in Linux, where a program array
    /// only holds programs of the caller's type.
    public static ContextKind contextKind(RuntimeOptions options, ProgramDef entry) {
        return options.context() != null ? options.context() : ContextKind.ofSection(entry.section());
    }

    public RuntimeOptions options() {
        return options;
    }

    public MapSet maps() {
        return maps;
    }

    public ProgramContext context() {
        return context;
    }

    /// The address space by window, for engines that index it directly (the interpreter).
    public AddressSpace space() {
        return space;
    }

    /// Checked access by virtual address, as helpers see memory.
    public Memory memory() {
        return space;
    }

    public HelperEnvironment helperEnvironment() {
        return env;
    }

    /// r1 at program start (the context or `mem` pointer).
    public long r1() {
        return context.r1();
    }

    /// r2 at program start (the input length, conformance convention).
    public long r2() {
        return context.r2();
    }

    /// r10 of call depth `depth`: one past the top of its frame.
    public static long frameTop(int depth) {
        return MemoryLayout.frameTop(depth);
    }

    /// Every region mapped now, by base address: context, packet or `mem`, map values, and the
    /// stack frames entered so far. Each is `name`, `base`, `data` (the backing bytes, whose
    /// length is its size), `writable`, plus the accessible window `[lo, hi)` and, for the
    /// context, per-field rules.
    public List<Region> regions() {
        return space.regions();
    }

    /// Whether the program may write somewhere in `r`: the writable regions, and the context of
    /// socket filters and TC programs (some fields only; see [ProgramContext#writable]).
    public boolean programMayWrite(Region r) {
        return r.writable || (r.rules != null && (context.kind == ContextKind.SOCKET_FILTER || context.kind == ContextKind.TC));
    }

    /// The stack frame of `depth`, created zeroed on first use; not mapped by this call.
    public Region frame(int depth) {
        Region f = frames[depth];
        if (f == null) f = frames[depth] = new Region("stack frame " + depth, MemoryLayout.stackBase(depth), new byte[MemoryLayout.STACK_SIZE], true);
        return f;
    }

    /// A local call enters `depth`: its frame starts zeroed and becomes addressable.
    public Region enterFrame(int depth) {
        Region f = frames[depth];
        if (f == null) f = frame(depth);
        else Arrays.fill(f.data, (byte) 0);
        space.windows[STACK_WINDOW + depth] = f;
        return f;
    }

    /// Returning from `depth` makes its frame unaddressable.
    public void leaveFrame(int depth) {
        space.windows[STACK_WINDOW + depth] = null;
    }

    /// Makes frames 0..`depth` addressable (as they are) and deeper ones not, for engines that
    /// only learn the depth at a helper call; returns the frames now mapped.
    public List<Region> mapFramesUpTo(int depth) {
        List<Region> out = new ArrayList<>(depth + 1);
        for (int d = 0; d < MemoryLayout.MAX_FRAMES; d++) {
            if (d <= depth) {
                Region f = frame(d);
                space.windows[STACK_WINDOW + d] = f;
                out.add(f);
            } else {
                space.windows[STACK_WINDOW + d] = null;
            }
        }
        return out;
    }

    /// The helper-call trace so far.
    public List<HelperCall> trace() {
        return trace;
    }

    /// Calls helper `id` of the run's profile with r1–r5, records it in the trace when it
    /// returns (with the arguments its prototype takes, [HelperCall#of]), and reports what the
    /// engine must do next. Never throws for anything a program can cause: unknown helpers (not
    /// recorded: BAD_CALL), bad maps, bad pointers become a stop.
    public HelperOutcome callHelper(long id, long a1, long a2, long a3, long a4, long a5) {
        Helper h = options.profile().get(id);
        if (h == null) return HelperOutcome.stopped(ErrorKind.BAD_CALL, "unknown helper " + id + " in the " + options.profile().name + " profile");
        env.resetRequests();
        long ret;
        try {
            ret = h.call(env, a1, a2, a3, a4, a5);
        } catch (MemoryAccessException e) {
            return HelperOutcome.stopped(ErrorKind.OUT_OF_BOUNDS, e.getMessage());
        } catch (HelperException e) {
            return HelperOutcome.stopped(e.kind, e.getMessage());
        } catch (ArithmeticException | IllegalArgumentException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            // A helper handed impossible arguments (sizes beyond any region): never escape as an exception.
            return HelperOutcome.stopped(ErrorKind.OUT_OF_BOUNDS, "helper arguments out of range: " + e.getMessage());
        }
        trace.add(HelperCall.of(h, (int) id, env, new long[]{a1, a2, a3, a4, a5}, ret));
        return new HelperOutcome(true, ret, env.clobber(), env.stopKind(), env.stopMessage(), env.tailCallProgram());
    }

    /// Legacy `LD_ABS`/`LD_IND`: `size` (1, 2, 4) bytes at packet offset `offset`, in network
    /// order. Outside the packet the program ends with r0 = 0 and no error, as in Linux.
    public HelperOutcome loadPacket(long offset, int size) {
        long start = context.packetStart();
        if (offset < 0 || (int) offset != offset || start + offset + size > context.packetEnd()) {
            return new HelperOutcome(true, 0, null, ErrorKind.NONE, "packet load of " + size + " bytes at offset " + offset
                    + " is outside the " + (context.packetEnd() - start) + "-byte packet: the program returns 0", -1);
        }
        long v = space.read(start + offset, size);
        long r0 = size == 4 ? Integer.reverseBytes((int) v) & 0xffffffffL : size == 2 ? Short.reverseBytes((short) v) & 0xffffL : v;
        return new HelperOutcome(true, r0, null, null, null, -1);
    }

    /// Why a program cannot run at all against this run's maps, as the result to return
    /// (REJECTED or UNSUPPORTED, no slot), or null when it can. Engines compute the three inputs
    /// once per program: the static pre-check's message (or null), [#unsupported] and
    /// [#maxMapIndex].
    public ExecutionResult refusal(String staticRejection, String unsupported, int maxMapIndex) {
        if (staticRejection != null) return result(0, ErrorKind.REJECTED, staticRejection, -1, 0);
        if (unsupported != null) return result(0, ErrorKind.UNSUPPORTED, unsupported, -1, 0);
        if (maxMapIndex >= maps.size()) {
            return result(0, ErrorKind.REJECTED, "lddw refers to map " + maxMapIndex + ", but the run has " + maps.size() + " maps", -1, 0);
        }
        return null;
    }

    /// The first construct no engine models (map indexes beyond the layout, kernel variable
    /// addresses), as "slot N: why", or null.
    public static String unsupported(Program p) {
        String why = null;
        for (int i = 0; i < p.size(); i++) {
            if (!(p.get(i) instanceof Insn.LoadImm64 l)) continue;
            int s = p.slot(i);
            if (l.source().refersToMap() && (l.imm() < 0 || l.imm() >= MemoryLayout.MAX_MAPS)) why = "slot " + s + ": map index " + l.imm() + " out of range";
            else if (l.source() == LddwSource.VARIABLE_ADDR && why == null) why = "slot " + s + ": lddw var_addr (kernel variable addresses) is not modelled";
        }
        return why;
    }

    /// The highest map index an `lddw` names, -1 when none.
    public static int maxMapIndex(Program p) {
        int max = -1;
        for (Insn insn : p.insns()) if (insn instanceof Insn.LoadImm64 l && l.source().refersToMap()) max = Math.max(max, l.imm());
        return max;
    }

    /// The whole state after the run, identical for every engine that ran the same program on the
    /// same input: context, packet or `mem`, every map (entries as key||value in key order, the
    /// tail-call table excepted), trace, printk text, perf events and ring buffer records.
    public ExecutionResult result(long r0, ErrorKind kind, String message, int slot, long executed) {
        List<RegionSnapshot> regions = context.snapshot();
        List<byte[]> ring = List.of();
        for (BpfMap m : maps.all()) {
            if (m instanceof RingBufMap rb) {
                if (ring.isEmpty()) ring = new ArrayList<>();
                ring.addAll(rb.records());
                continue;
            }
            if (m instanceof ProgArrayMap) continue;
            regions.add(new RegionSnapshot("map " + m.name(), m.snapshot()));
        }
        return new ExecutionResult(r0, kind, message, slot, executed, regions, trace,
                env.printkOutput(), env.perfEvents(), ring);
    }
}
