package dev.ebpfc.backend.nativeexec;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.backend.RuntimeError;
import dev.ebpfc.backend.Target;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.HelperOutcome;
import dev.ebpfc.runtime.RunEnvironment;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.helpers.Helper;
import dev.ebpfc.runtime.interp.StaticCheck;
import dev.ebpfc.runtime.maps.BpfMap;
import dev.ebpfc.runtime.maps.MapSet;
import dev.ebpfc.runtime.memory.MemoryLayout;
import dev.ebpfc.runtime.memory.Region;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/// Runs compiled BPF programs on the host CPU (`native`): the target's code is linked with real
/// addresses, loaded into read-execute pages (never writable at the same time, see [HostMemory])
/// and called through an FFM downcall as `prog(r1, r2, r10_top)` (docs/native-abi.md). Helpers
/// and runtime entries are FFM upcalls into the same Java helper classes the interpreter uses,
/// reached through [X86HostTrampoline]s that can leave the program through its unwind path.
///
/// **Memory.** The run's regions stay the [RunEnvironment]'s Java byte arrays (the interpreter's
/// model, which maps and helpers are written against); each has a native mirror below 2 GiB
/// (the context's 32-bit `data`/`data_end` fields must hold the packet's real address), reused
/// across runs. Bytes are copied in before the run and the writable ones out after it. Around a
/// helper call only what the helper touches moves: the memory helpers see brings a region's
/// native bytes into Java on first access and writes dirty ones back afterwards, and the
/// regions that pointer or map-handle arguments name are synchronised both ways. Pointers cross
/// the boundary translated: helper arguments inside a native mirror become layout addresses (so
/// helpers, the trace and the result see exactly the interpreter's values), and the pointers
/// `map_lookup_elem` and `ringbuf_reserve` return become native. Stack frames are one contiguous
/// native block of `MAX_FRAMES × 512` bytes (frame stride 512).
///
/// **Results** equal the interpreter's [ExecutionResult] except where the program itself leaks a
/// pointer into r0 or memory: those are real addresses. `executed` is -1.
///
/// **Trust.** Compiled code runs unchecked on the host: the program's own loads and stores are
/// not bounds-checked (the interpreter reports OUT_OF_BOUNDS; natively a wild access corrupts or
/// crashes the process) and the instruction budget is not enforced (an endless loop hangs). Run
/// only programs a verifier accepted, or that the interpreter ran cleanly on the same input.
/// Helper arguments are checked as everywhere (helpers go through [dev.ebpfc.runtime.memory.Memory]).
/// Tail calls at depth 0 call the target program's code afresh (same context and memory, frame 0
/// zeroed), as the interpreter continues; from a BPF-to-BPF callee they stop with UNSUPPORTED,
/// as under emulation.
///
/// Not thread-safe across threads at once: runs are serialised (`synchronized`).
public final class NativeEngine implements Engine, AutoCloseable {
    /// What a local call adds to r10 natively: the frames form one contiguous block.
    public static final int FRAME_STRIDE = MemoryLayout.STACK_SIZE;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle CALL = LINKER.downcallHandle(FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final FunctionDescriptor FIVE = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
    private static final MethodHandle HELPER_UPCALL, RUNTIME_UPCALL;
    /// Helpers that read or write a map's value bytes directly rather than through
    /// [dev.ebpfc.runtime.memory.Memory] (see the runtime's maps and helpers).
    private static final java.util.Set<String> DIRECT_REGION_ACCESS = java.util.Set.of("map_update_elem", "ringbuf_output",
            "ringbuf_reserve", "ringbuf_submit", "ringbuf_discard");

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HELPER_UPCALL = l.findVirtual(NativeEngine.class, "helperUpcall", MethodType.methodType(long.class, int.class,
                    long.class, long.class, long.class, long.class, long.class));
            RUNTIME_UPCALL = l.findVirtual(NativeEngine.class, "runtimeUpcall", MethodType.methodType(long.class, RuntimeEntry.class,
                    long.class, long.class, long.class, long.class, long.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Target target;
    private final CompileOptions compileOptions;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment control;
    private final MemorySegment stack;
    private final Map<Integer, MemorySegment> helperTrampolines = new HashMap<>();
    private final Map<RuntimeEntry, MemorySegment> runtimeTrampolines = new EnumMap<>(RuntimeEntry.class);
    /// Native mirrors of program regions by layout base, reused while they are large enough.
    private final Map<Long, Block> blocks = new HashMap<>();

    private BpfObject cachedObject;
    private boolean cachedStaticCheck;
    private ProgramEnvironment cachedEnvironment;
    private Compiled[] compiled;
    private Run current;
    private boolean closed;

    /// A native mirror: `used` bytes of it may hold an earlier run's data.
    private static final class Block {
        final MemorySegment memory;
        long used;

        Block(MemorySegment memory) {
            this.memory = memory;
        }
    }

    private static final class Compiled {
        final ProgramDef def;
        final CompiledProgram code;
        final String rejection, unsupported;
        final int maxMapIndex;
        MemorySegment loaded;
        long[] linkedPool;

        Compiled(ProgramDef def, CompiledProgram code, String rejection, String unsupported, int maxMapIndex) {
            this.def = def;
            this.code = code;
            this.rejection = rejection;
            this.unsupported = unsupported;
            this.maxMapIndex = maxMapIndex;
        }
    }

    /// Native execution of `target`'s -O0 code (`native`); the target must be the host's ISA.
    public NativeEngine(Target target) {
        this(target, CompileOptions.Level.O0);
    }

    /// Native execution of `target`'s code at `level` (`native`, `native-O2`). -O2 code keeps the
    /// conventions the trampolines need: every call out goes through a pool entry and r12 holds
    /// the stack pointer the unwind path restores (docs/native-abi.md).
    public NativeEngine(Target target, CompileOptions.Level level) {
        if (!hostSupported()) {
            throw new UnsupportedOperationException("native execution needs a Linux x86_64 host (this is " + System.getProperty("os.name")
                    + " " + System.getProperty("os.arch") + ")");
        }
        if (!target.name().equals("x86_64")) throw new UnsupportedOperationException("native execution runs x86_64 code; " + target.name() + " is not the host's ISA");
        this.target = target;
        this.compileOptions = new CompileOptions(level, FRAME_STRIDE);
        this.control = HostMemory.map(HostMemory.PAGE, HostMemory.PROT_READ | HostMemory.PROT_WRITE, false);
        // A guard page after the frames: running past the deepest frame faults instead of scribbling.
        MemorySegment s = HostMemory.map((long) MemoryLayout.MAX_FRAMES * FRAME_STRIDE + HostMemory.PAGE, HostMemory.PROT_READ | HostMemory.PROT_WRITE, true);
        HostMemory.protect(s.asSlice(s.byteSize() - HostMemory.PAGE), HostMemory.PROT_NONE);
        this.stack = s.asSlice(0, (long) MemoryLayout.MAX_FRAMES * FRAME_STRIDE);
    }

    /// Whether this host can run native code: Linux on x86_64.
    public static boolean hostSupported() {
        String arch = System.getProperty("os.arch", "");
        return System.getProperty("os.name", "").startsWith("Linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    @Override
    public String name() {
        return compileOptions.level() == CompileOptions.Level.O0 ? "native" : "native-O2";
    }

    /// The compile options native code is built with (frame stride 512).
    public CompileOptions compileOptions() {
        return compileOptions;
    }

    /// The compiled form of program `program` of `object`.
    public synchronized CompiledProgram compiled(BpfObject object, int program, RuntimeOptions options) {
        return compile(object, program, options).code;
    }

    /// Where the code of program `program` is loaded, or 0 before its first run.
    public synchronized long codeAddress(BpfObject object, int program, RuntimeOptions options) {
        MemorySegment m = compile(object, program, options).loaded;
        return m == null ? 0 : m.address();
    }

    private Compiled compile(BpfObject object, int program, RuntimeOptions options) {
        // -O2 code is optimised for the run's helpers, context and maps (the same program may
        // compile differently under another profile).
        ProgramEnvironment environment = ProgramEnvironment.of(object, options.profile(), options.context());
        if (object != cachedObject || options.staticCheck() != cachedStaticCheck || !environment.equals(cachedEnvironment)) {
            unloadAll();
            compiled = new Compiled[object.programs().size()];
            cachedObject = object;
            cachedStaticCheck = options.staticCheck();
            cachedEnvironment = environment;
        }
        Compiled c = compiled[program];
        if (c == null) {
            ProgramDef def = object.programs().get(program);
            c = compiled[program] = new Compiled(def, target.compile(def, compileOptions.withEnvironment(environment)),
                    options.staticCheck() ? StaticCheck.check(def.program()) : null,
                    RunEnvironment.unsupported(def.program()), RunEnvironment.maxMapIndex(def.program()));
        }
        return c;
    }

    private void unloadAll() {
        if (compiled == null) return;
        for (Compiled c : compiled) {
            if (c != null && c.loaded != null) HostMemory.unmap(c.loaded);
        }
        compiled = null;
    }

    @Override
    public synchronized ExecutionResult run(BpfObject object, int program, MapSet maps, RunInput input, RuntimeOptions options) {
        if (closed) throw new IllegalStateException("native engine closed");
        Compiled c = compile(object, program, options);
        Run run = new Run(c, object, options);
        RunEnvironment env = new RunEnvironment(RunEnvironment.contextKind(options, object.programs().get(program)), maps, input, options,
                space -> new SyncedMemory(space, run));
        ExecutionResult refused = env.refusal(c.rejection, c.unsupported, c.maxMapIndex);
        if (refused != null) return refused;
        run.env = env;
        current = run;
        try {
            return run.execute();
        } finally {
            current = null;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        unloadAll();
        for (Block b : blocks.values()) HostMemory.unmap(b.memory);
        blocks.clear();
        for (MemorySegment t : helperTrampolines.values()) HostMemory.unmap(t);
        for (MemorySegment t : runtimeTrampolines.values()) HostMemory.unmap(t);
        HostMemory.unmap(MemorySegment.ofAddress(stack.address()).reinterpret(stack.byteSize() + HostMemory.PAGE));
        HostMemory.unmap(control);
        arena.close();
    }

    // ---- loading ----------------------------------------------------------------------------

    private long helperTrampoline(int id) {
        return helperTrampolines.computeIfAbsent(id, i -> trampoline(MethodHandles.insertArguments(HELPER_UPCALL.bindTo(this), 0, i), FIVE)).address();
    }

    private long runtimeTrampoline(RuntimeEntry e) {
        return runtimeTrampolines.computeIfAbsent(e, x -> {
            MethodHandle mh = MethodHandles.insertArguments(RUNTIME_UPCALL.bindTo(this), 0, x);
            return trampoline(mh, FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        }).address();
    }

    private MemorySegment trampoline(MethodHandle target, FunctionDescriptor fd) {
        MemorySegment stub = LINKER.upcallStub(target, fd, arena);
        return HostMemory.loadCode(X86HostTrampoline.encode(control.address(), stub.address()));
    }

    // ---- upcalls (never throw: an exception escaping an upcall ends the JVM) ------------------

    private long helperUpcall(int id, long a1, long a2, long a3, long a4, long a5) {
        Run r = current;
        if (r == null) return emergencyStop();
        try {
            return r.helper(id, a1, a2, a3, a4, a5);
        } catch (Throwable t) {
            r.stop(ErrorKind.UNSUPPORTED, "internal error in helper " + id + ": " + t, r.callSlot(), 0);
            return 0;
        }
    }

    private long runtimeUpcall(RuntimeEntry e, long a1, long a2, long a3, long a4, long a5, long a6) {
        Run r = current;
        if (r == null) return emergencyStop();
        try {
            return r.runtime(e, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            r.stop(ErrorKind.UNSUPPORTED, "internal error in runtime entry " + e + ": " + t, r.callSlot(), 0);
            return 0;
        }
    }

    private long emergencyStop() {
        control.set(ValueLayout.JAVA_LONG, X86HostTrampoline.STATE, X86HostTrampoline.STOP);
        return 0;
    }

    // ---- one run ------------------------------------------------------------------------------

    /// A region of the run and its native mirror.
    private static final class Mirror {
        final Region region;
        final MemorySegment memory;
        boolean pulled, dirty;

        Mirror(Region region, MemorySegment memory) {
            this.region = region;
            this.memory = memory;
        }
    }

    final class Run {
        Compiled c;
        CompiledProgram code;
        final int programs;
        final BpfObject object;
        final RuntimeOptions options;
        /// A tail call a helper asked for at depth 0: the program and r1, r2 (native values); null when none.
        long[] tailCall;
        RunEnvironment env;
        long codeBase;
        final List<Mirror> mirrors = new ArrayList<>();
        /// Stack frame mirrors by depth, created when a helper first touches a frame.
        final Mirror[] frames = new Mirror[MemoryLayout.MAX_FRAMES];
        final List<Mirror> touched = new ArrayList<>();
        Mirror context, packet;
        ErrorKind stopKind;
        String stopMessage;
        int stopSlot = -1;
        long stopR0;

        Run(Compiled c, BpfObject object, RuntimeOptions options) {
            this.c = c;
            this.code = c.code;
            this.object = object;
            this.options = options;
            this.programs = object.programs().size();
        }

        ExecutionResult execute() {
            mapRegions();
            load();
            copyIn();
            long r1 = toNative(env.r1());
            long r10 = stack.address() + FRAME_STRIDE;
            long rax = call(r1, env.r2(), r10);
            while (tailCall != null && stopKind == null) {
                // The tail-called program replaces this one at depth 0: same context, a zeroed frame.
                int target = (int) tailCall[0];
                Compiled next = compile(object, target, options);
                String refused = next.rejection != null ? next.rejection : next.unsupported;
                if (refused != null) {
                    copyOut();
                    return env.result(0, next.rejection != null ? ErrorKind.REJECTED : ErrorKind.UNSUPPORTED,
                            "tail call into program " + target + ": " + refused, -1, -1);
                }
                c = next;
                code = next.code;
                load();
                stack.asSlice(0, FRAME_STRIDE).fill((byte) 0);
                long a1 = tailCall[1], a2 = tailCall[2];
                tailCall = null;
                rax = call(a1, a2, r10);
            }
            copyOut();
            if (stopKind != null) {
                long r0 = stopKind == ErrorKind.NONE || stopKind == ErrorKind.UNWIND ? stopR0 : 0;
                return env.result(r0, stopKind, "slot " + stopSlot + ": " + stopMessage, stopSlot, -1);
            }
            return env.result(rax, ErrorKind.NONE, "", -1, -1);
        }

        private long call(long r1, long r2, long r10) {
            try {
                return (long) CALL.invokeExact(MemorySegment.ofAddress(codeBase + code.entryOffset()), r1, r2, r10);
            } catch (Throwable t) {
                throw new IllegalStateException("native call failed", t);
            }
        }

        /// A native mirror per region (frames excepted), reusing the engine's blocks.
        void mapRegions() {
            for (Region r : env.regions()) {
                if (isFrame(r.base)) continue;
                Block b = blocks.get(r.base);
                if (b == null || b.memory.byteSize() < r.data.length) {
                    if (b != null) HostMemory.unmap(b.memory);
                    b = new Block(HostMemory.map(r.data.length, HostMemory.PROT_READ | HostMemory.PROT_WRITE, true));
                    blocks.put(r.base, b);
                }
                if (b.used > r.data.length) b.memory.asSlice(r.data.length, b.used - r.data.length).fill((byte) 0);
                b.used = r.data.length;
                Mirror m = new Mirror(r, b.memory);
                mirrors.add(m);
                if (r.base == MemoryLayout.CONTEXT_BASE) context = m;
            }
            Region p = env.context().packetRegion();
            for (Mirror m : mirrors) if (m.region == p) packet = m;
        }

        /// Links the pool for this run's addresses; relinks only when one of them moved.
        void load() {
            List<PoolEntry> pool = code.pool();
            long[] values = new long[pool.size()];
            for (int i = 0; i < values.length; i++) values[i] = poolValue(pool.get(i));
            if (c.loaded == null || !java.util.Arrays.equals(values, c.linkedPool)) {
                if (c.loaded != null) HostMemory.unmap(c.loaded);
                java.util.Map<PoolEntry, Long> byEntry = new HashMap<>();
                for (int i = 0; i < values.length; i++) byEntry.put(pool.get(i), values[i]);
                c.loaded = HostMemory.loadCode(code.link(byEntry::get));
                c.linkedPool = values;
            }
            codeBase = c.loaded.address();
            control.set(ValueLayout.JAVA_LONG, X86HostTrampoline.UNWIND, codeBase + code.unwindOffset());
            control.set(ValueLayout.JAVA_LONG, X86HostTrampoline.STATE, X86HostTrampoline.CONTINUE);
        }

        /// Handles and code addresses keep the layout's values (helpers and callx resolution
        /// understand them, and they compare equal with the interpreter's); value addresses
        /// are native; calls go to trampolines.
        long poolValue(PoolEntry e) {
            return switch (e) {
                case PoolEntry.MapHandle m -> MemoryLayout.mapHandle(m.map());
                case PoolEntry.MapValue m -> toNative(MemoryLayout.mapValuesBase(m.map())) + m.offset();
                case PoolEntry.CodeAddress a -> MemoryLayout.codeAddress(a.slot());
                case PoolEntry.Helper h -> helperTrampoline(h.id());
                case PoolEntry.Runtime r -> runtimeTrampoline(r.entry());
            };
        }

        void copyIn() {
            for (Mirror m : mirrors) MemorySegment.copy(MemorySegment.ofArray(m.region.data), 0, m.memory, 0, m.region.data.length);
            fixContextPointers();
            stack.fill((byte) 0);
        }

        /// The context's packet pointer fields hold native addresses (32 bits: the packet is
        /// below 2 GiB); the Java side keeps the layout's.
        void fixContextPointers() {
            if (context == null) return;
            var ctx = env.context();
            int[] at = switch (ctx.kind) {
                case XDP -> new int[]{dev.ebpfc.runtime.context.ProgramContext.XDP_DATA, dev.ebpfc.runtime.context.ProgramContext.XDP_DATA_END,
                    dev.ebpfc.runtime.context.ProgramContext.XDP_DATA_META};
                case SOCKET_FILTER, TC -> new int[]{dev.ebpfc.runtime.context.ProgramContext.SKB_DATA, dev.ebpfc.runtime.context.ProgramContext.SKB_DATA_END,
                    dev.ebpfc.runtime.context.ProgramContext.SKB_DATA_META};
                case RAW -> new int[0];
            };
            long[] v = {ctx.data(), ctx.dataEnd(), ctx.dataMeta()};
            for (int i = 0; i < at.length; i++) context.memory.set(ValueLayout.JAVA_INT_UNALIGNED, at[i], (int) toNative(v[i]));
        }

        /// The writable regions back into Java, for the result.
        void copyOut() {
            for (Mirror m : mirrors) if (env.programMayWrite(m.region)) pull(m);
        }

        void pull(Mirror m) {
            MemorySegment.copy(m.memory, 0, MemorySegment.ofArray(m.region.data), 0, m.region.data.length);
        }

        void push(Mirror m) {
            MemorySegment.copy(MemorySegment.ofArray(m.region.data), 0, m.memory, 0, m.region.data.length);
        }

        // ---- addresses ------------------------------------------------------------------

        boolean isFrame(long layoutBase) {
            return layoutBase >= MemoryLayout.STACK_BASE && layoutBase < MemoryLayout.stackBase(MemoryLayout.MAX_FRAMES);
        }

        /// A native address inside a mirror (or one past its end) as the layout address helpers
        /// understand; anything else unchanged.
        long toLayout(long v) {
            long s = v - stack.address();
            if (s >= 0 && s < stack.byteSize()) return MemoryLayout.stackBase((int) (s / FRAME_STRIDE)) + s % FRAME_STRIDE;
            if (s == stack.byteSize()) return MemoryLayout.frameTop(MemoryLayout.MAX_FRAMES - 1);
            for (Mirror m : mirrors) {
                long off = v - m.memory.address();
                if (off >= 0 && off <= m.region.data.length) return m.region.base + off;
            }
            return v;
        }

        /// A layout address inside a region (or one past its end) as the native address; else unchanged.
        long toNative(long v) {
            int w = MemoryLayout.window(v);
            if (w < 0) return v;
            long base = (long) w << MemoryLayout.WINDOW_SHIFT;
            long off = v - base;
            if (isFrame(base)) {
                int d = (int) ((base - MemoryLayout.STACK_BASE) >> MemoryLayout.WINDOW_SHIFT);
                return off <= MemoryLayout.STACK_SIZE ? stack.address() + (long) d * FRAME_STRIDE + off : v;
            }
            for (Mirror m : mirrors) if (m.region.base == base && off <= m.region.data.length) return m.memory.address() + off;
            return v;
        }

        /// The mirror holding layout address `v` (frames included), or null.
        Mirror mirrorAt(long v) {
            int w = MemoryLayout.window(v);
            if (w < 0) return null;
            long base = (long) w << MemoryLayout.WINDOW_SHIFT;
            if (isFrame(base)) {
                int d = (int) ((base - MemoryLayout.STACK_BASE) >> MemoryLayout.WINDOW_SHIFT);
                if (frames[d] == null) frames[d] = new Mirror(env.frame(d), stack.asSlice((long) d * FRAME_STRIDE, FRAME_STRIDE));
                return frames[d];
            }
            for (Mirror m : mirrors) if (m.region.base == base) return m;
            return null;
        }

        /// A helper is about to read (or write) region `m`: its native bytes first.
        void touch(Mirror m, boolean write) {
            if (m == null) return;
            if (!m.pulled) {
                pull(m);
                m.pulled = true;
                touched.add(m);
            }
            if (write) m.dirty = true;
        }

        /// After a helper: what it wrote goes back to native memory.
        void settle() {
            for (Mirror m : touched) {
                if (m.dirty) push(m);
                m.pulled = m.dirty = false;
            }
            touched.clear();
            fixContextPointers();
        }

        int depth() {
            long r10 = control.get(ValueLayout.JAVA_LONG, X86HostTrampoline.R10);
            long d = (r10 - stack.address()) / FRAME_STRIDE - 1;
            return (int) Math.max(0, Math.min(MemoryLayout.MAX_FRAMES - 1, d));
        }

        /// The slot of the call that entered the current upcall.
        int callSlot() {
            long ret = control.get(ValueLayout.JAVA_LONG, X86HostTrampoline.RETURN_ADDRESS);
            long off = ret - 1 - codeBase;
            return off >= 0 && off < code.codeSize() ? code.slotAt((int) off) : -1;
        }

        // ---- calls out ------------------------------------------------------------------

        /// The native r1, r2 of the last helper call (a tail call starts its target with them).
        final long[] lastArgs = new long[2];

        long helper(long id, long a1, long a2, long a3, long a4, long a5) {
            lastArgs[0] = a1;
            lastArgs[1] = a2;
            int slot = callSlot();
            env.mapFramesUpTo(depth());
            long[] a = {toLayout(a1), toLayout(a2), toLayout(a3), toLayout(a4), toLayout(a5)};
            Helper h = env.options().profile().get(id);
            if (h != null && DIRECT_REGION_ACCESS.contains(h.name())) {
                // These reach a map's bytes without the memory interface (an update's arraycopy,
                // a ring buffer's headers and records): the map named by a handle, or pointed
                // into, is brought up to date both ways. Everything else a helper reads or
                // writes goes through SyncedMemory, so lookups and deletes copy nothing.
                for (long v : a) {
                    BpfMap m = env.maps().byHandle(v);
                    touch(m != null && m.region() != null ? mirrorAt(m.region().base) : mirrorAt(v), true);
                }
            }
            HelperOutcome out = env.callHelper(id, a[0], a[1], a[2], a[3], a[4]);
            settle();
            boolean pointer = h != null && (h.name().equals("map_lookup_elem") || h.name().equals("ringbuf_reserve"));
            return finish(out, slot, pointer);
        }

        long finish(HelperOutcome out, int slot, boolean returnsPointer) {
            long r0 = out.returned() ? (returnsPointer && out.r0() != 0 ? toNative(out.r0()) : out.r0()) : 0;
            if (out.returned() && out.clobber() != null) {
                long[] cl = out.clobber();
                for (int i = 0; i < 5; i++) control.set(ValueLayout.JAVA_LONG, X86HostTrampoline.CLOBBER + 8L * i, cl[i]);
                control.set(ValueLayout.JAVA_LONG, X86HostTrampoline.STATE, X86HostTrampoline.CLOBBER_ARGUMENTS);
            }
            if (out.stop() != null) {
                stop(out.stop(), out.message(), slot, out.returned() ? out.r0() : 0);
            } else if (out.tailCall() >= 0) {
                if (out.tailCall() >= programs) {
                    stop(ErrorKind.BAD_CALL, "tail call to program " + out.tailCall() + ", but only " + programs + " programs are loaded", slot, 0);
                } else if (depth() != 0) {
                    stop(ErrorKind.UNSUPPORTED, "tail calls from a BPF-to-BPF callee are not supported by the native engine", slot, 0);
                } else {
                    tailCall = new long[]{out.tailCall(), lastArgs[0], lastArgs[1]};
                    control.set(ValueLayout.JAVA_LONG, X86HostTrampoline.STATE, X86HostTrampoline.STOP);
                }
            }
            return r0;
        }

        long runtime(RuntimeEntry e, long a1, long a2, long a3, long a4, long a5, long a6) {
            return switch (e) {
                case ERROR -> {
                    RuntimeError err = RuntimeError.ofCode(a1);
                    if (err == null) stop(ErrorKind.UNSUPPORTED, "unknown runtime error " + a1, (int) a2, 0);
                    else stop(err.kind, err.message(a3), (int) a2, 0);
                    yield 0;
                }
                case LOAD_PACKET -> {
                    int slot = callSlot();
                    if (packet != null) pull(packet);
                    yield finish(env.loadPacket(a1, (int) a2), slot, false);
                }
                case RESOLVE_CALLX -> {
                    int s = MemoryLayout.slotOfCodeAddress(a1);
                    int[] offsets = code.slotOffsets();
                    boolean function = s >= 0 && s < offsets.length && c.def.program().indexAtSlot(s) >= 0;
                    yield function ? codeBase + offsets[s] : 0;
                }
                case HELPER_BY_ID -> {
                    if (env.options().profile().get(a6) == null) {
                        stop(ErrorKind.BAD_CALL, "callx target 0x" + Long.toHexString(a6) + " is neither a function nor a helper", callSlot(), 0);
                        yield 0;
                    }
                    yield helper(a6, a1, a2, a3, a4, a5);
                }
            };
        }

        /// Ends the run when the current call returns to its trampoline (the first stop wins).
        void stop(ErrorKind kind, String message, int slot, long r0) {
            control.set(ValueLayout.JAVA_LONG, X86HostTrampoline.STATE, X86HostTrampoline.STOP);
            if (stopKind != null) return;
            stopKind = kind;
            stopMessage = message;
            stopSlot = slot;
            stopR0 = r0;
        }
    }

    /// The memory helpers see: the run's address space, with each region's native bytes fetched
    /// before a helper first touches it and written back after the helper when it wrote.
    private static final class SyncedMemory implements dev.ebpfc.runtime.memory.Memory {
        private final dev.ebpfc.runtime.memory.Memory space;
        private final Run run;

        SyncedMemory(dev.ebpfc.runtime.memory.Memory space, Run run) {
            this.space = space;
            this.run = run;
        }

        private void touch(long address, boolean write) {
            if (run.env != null) run.touch(run.mirrorAt(address), write);
        }

        @Override
        public long read(long address, int size) {
            touch(address, false);
            return space.read(address, size);
        }

        @Override
        public void write(long address, int size, long value) {
            touch(address, true);
            space.write(address, size, value);
        }

        @Override
        public byte[] readBytes(long address, int length) {
            touch(address, false);
            return space.readBytes(address, length);
        }

        @Override
        public void writeBytes(long address, byte[] bytes) {
            touch(address, true);
            space.writeBytes(address, bytes);
        }

        @Override
        public boolean accessible(long address, long length, boolean write) {
            return space.accessible(address, length, write);
        }
    }
}
