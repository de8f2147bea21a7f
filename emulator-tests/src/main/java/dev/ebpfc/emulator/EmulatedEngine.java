package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.backend.RuntimeError;
import dev.ebpfc.emulator.unicorn.Unicorn;
import dev.ebpfc.emulator.unicorn.UnicornError;
import dev.ebpfc.emulator.unicorn.UnicornHook;
import dev.ebpfc.emulator.unicorn.UnicornMemAccess;
import dev.ebpfc.emulator.unicorn.UnicornReg;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.HelperOutcome;
import dev.ebpfc.runtime.RunEnvironment;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.StaticCheck;
import dev.ebpfc.runtime.maps.MapSet;
import dev.ebpfc.runtime.memory.MemoryAccessException;
import dev.ebpfc.runtime.memory.MemoryLayout;
import dev.ebpfc.runtime.memory.Region;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/// Runs compiled BPF programs under Unicorn: any [dev.ebpfc.backend.Target] with its
/// [EmulatedIsa]. Every region of the [RunEnvironment] is mapped at its layout address (rounded
/// to pages), so pointers, memory and the returned [ExecutionResult] compare byte for byte with
/// the interpreter's.
///
/// One run: compile (cached per object), link the constant pool (map handles and value addresses
/// of the layout, code addresses of the layout, a trap stub per helper and runtime entry), copy
/// the regions into their host-backed mappings, start at the entry with `prog(r1, r2, r10_top)`, and when the code returns to
/// the sentinel copy the writable regions out. A trap in a stub copies the writable regions out,
/// runs the Java helper against the [RunEnvironment], copies everything back in and resumes (or
/// stops the run, for helper errors, `unwind` and runtime errors).
///
/// Limits of emulation: memory is checked at page granularity, so an access past a region's end
/// but inside its last page is not caught (the interpreter catches it), nor is one into the
/// packet's headroom or, for socket/TC contexts, into a read-only field; the instruction budget
/// counts machine instructions (budget × [#MACHINE_PER_BPF], afresh after each tail call), and
/// `executed` is -1. Tail calls from the entry function (call depth 0) restart the emulator at the
/// target program's entry with r1, r2 as the helper got them and a zeroed frame, as the
/// interpreter continues; tail calls from a BPF-to-BPF callee stop with UNSUPPORTED.
///
/// Not thread-safe: one Unicorn instance per engine, confined to the thread of its first run,
/// reused across runs.
///
/// Fresh programs are the common case (a fuzz campaign runs each generated program once), so
/// nothing per program touches Unicorn's memory map: the code lives in a host-backed window
/// mapped once (grown, never shrunk), written with a plain memcpy, and only the range written is
/// invalidated ([Unicorn#invalidateTranslations], microseconds; never the whole translation
/// cache, which costs ~1 s in Unicorn 2.0.1); the trap stubs are written once for a fixed
/// capacity; region mappings are kept while their page counts fit. `uc_mem_write` is not used
/// per program: into the read/execute code mapping it cost 0.4–0.9 ms per generated program
/// (measured; the memcpy and the range invalidation now cost a few microseconds). Unmapping does
/// not flush all translations in Unicorn 2.0.1 (measured: only the TLB), but it is still avoided.
/// Runs compile without the assembly listing ([CompileOptions#withListing]), which took three
/// quarters of the compile time; [#compiled] still gives one with it.
public final class EmulatedEngine implements Engine {
    /// Machine instructions allowed per BPF instruction of the budget, so that a program the
    /// interpreter finishes within its budget finishes here too: the longest -O0 expansion (callx
    /// of a function, about 30 with its trap) stays below it.
    public static final long MACHINE_PER_BPF = 32;

    private final String name;
    private final EmulatedIsa isa;
    private final CompileOptions compileOptions;

    private Unicorn uc;
    private long pageSize;
    /// Every layout region currently mapped, by base. Regions are backed by host memory
    /// (`uc_mem_map_ptr`): copying between the Java arrays and it is a plain memcpy, where
    /// `uc_mem_write` costs microseconds per page.
    private final Map<Long, Mapping> mapped = new HashMap<>();
    /// The stack frame of each depth, mapped once.
    private final MemorySegment[] frames = new MemorySegment[MemoryLayout.MAX_FRAMES];

    private record Mapping(long size, int perms, MemorySegment memory) {
    }
    /// Initial size of the code window and of the stub window: programs of the fuzzer's size
    /// (up to ~10,000 BPF instructions) and pools of up to 1024 entries fit without a remap.
    private static final long CODE_WINDOW = 256 << 10, STUB_WINDOW = 16 << 10;
    /// The code window: host memory mapped read/execute at the ISA's code base.
    private MemorySegment codeMemory;
    private long codeMapped;
    /// Bytes of the window the last load wrote (what the next load must invalidate).
    private long codeWritten;
    private CompiledProgram loaded;
    private long stubsMapped;
    /// Changes to Unicorn's memory map since the engine opened (maps, unmaps, protection changes
    /// of code, stubs and regions after the fixed setup), for tests that pin the steady state.
    private long mapChanges;

    private BpfObject cachedObject;
    private boolean cachedStaticCheck;
    private ProgramEnvironment cachedEnvironment;
    private Compiled[] compiled;

    /// The run in progress, for the hooks.
    private Run current;

    /// Whether runs count the machine instructions they execute in the compiled code
    /// ([#countingInstructions]), and the count of the last run (-1 before one, or when off).
    private boolean counting;
    private long instructionCount = -1;

    /// `fixedRegisters`: -O0 code, which keeps BPF r10 in a register and has an entry for every
    /// instruction; -O2 code (entries only where functions start) does neither.
    private record Compiled(ProgramDef def, CompiledProgram code, String rejection, String unsupported, int maxMapIndex,
                            boolean fixedRegisters, int entryEnd) {
    }

    /// The first slot after the entry function (the program's size when it has no other).
    private static int entryEnd(ProgramDef def) {
        try {
            return dev.ebpfc.ir.lift.BpfFunctions.of(def).spans().getFirst().end();
        } catch (RuntimeException e) {
            return def.program().slotCount(); // a program the lifter refuses: no functions to tell apart
        }
    }

    private static boolean fixedRegisters(ProgramDef def, CompiledProgram code) {
        int[] offsets = code.slotOffsets();
        for (int s = 0; s < offsets.length; s++) {
            if (offsets[s] < 0 && def.program().indexAtSlot(s) >= 0) return false;
        }
        return true;
    }

    public EmulatedEngine(String name, EmulatedIsa isa, CompileOptions compileOptions) {
        this.name = name;
        this.isa = isa;
        this.compileOptions = compileOptions;
    }

    /// The x86_64 -O0 engine (`x86_64`).
    public static EmulatedEngine x86_64() {
        return new EmulatedEngine("x86_64", new X86EmulatedIsa(), CompileOptions.O0);
    }

    /// The x86_64 -O2 engine (`x86_64-O2`).
    public static EmulatedEngine x86_64O2() {
        return new EmulatedEngine("x86_64-O2", new X86EmulatedIsa(), CompileOptions.O0.withLevel(CompileOptions.Level.O2));
    }

    /// The ARM64 -O2 engine (`arm64-O2`), LL/SC atomics.
    public static EmulatedEngine arm64O2() {
        return new EmulatedEngine("arm64-O2", new Arm64EmulatedIsa(), CompileOptions.O0.withLevel(CompileOptions.Level.O2));
    }

    /// The RISC-V64 -O2 engine (`riscv64-O2`).
    public static EmulatedEngine riscv64O2() {
        return new EmulatedEngine("riscv64-O2", new Riscv64EmulatedIsa(), CompileOptions.O0.withLevel(CompileOptions.Level.O2));
    }

    /// The ARM64 -O0 engine (`arm64`), with LL/SC atomics: Unicorn 2.0.1's default AArch64 CPU
    /// (Cortex-A72, Armv8.0) has no FEAT_LSE and raises an undefined-instruction exception on it.
    public static EmulatedEngine arm64() {
        return new EmulatedEngine("arm64", new Arm64EmulatedIsa(), CompileOptions.O0);
    }

    /// ARM64 -O0 with FEAT_LSE atomics (`arm64-lse`), on Unicorn's `max` AArch64 CPU model.
    public static EmulatedEngine arm64Lse() {
        return new EmulatedEngine("arm64-lse", new Arm64EmulatedIsa(true), CompileOptions.O0.withLse(true));
    }

    /// The RISC-V64 -O0 engine (`riscv64`).
    public static EmulatedEngine riscv64() {
        return new EmulatedEngine("riscv64", new Riscv64EmulatedIsa(), CompileOptions.O0);
    }

    @Override
    public String name() {
        return name;
    }

    /// This engine, from now on counting the machine instructions each run executes in the
    /// compiled code: the code window only, so neither the trap stubs nor the Java helpers behind
    /// them count (what the program's own code costs, for `ebpfc bench`). Counting hooks every
    /// instruction and makes runs several times slower; call it before the first run (Unicorn
    /// inserts hooks when it translates code, so code translated earlier would not be counted).
    public EmulatedEngine countingInstructions() {
        if (uc != null) throw new IllegalStateException("countingInstructions() after the first run");
        counting = true;
        return this;
    }

    /// Machine instructions the last run executed in the compiled code, or -1 when the engine
    /// does not count ([#countingInstructions]) or has not run yet.
    public long instructionCount() {
        return instructionCount;
    }

    /// How often runs have changed Unicorn's memory map (mapped, unmapped or re-protected code,
    /// stubs or regions) beyond the setup of [#open]. Constant once the windows fit: fresh
    /// programs of similar size then cost no map change at all.
    public long mapChanges() {
        return mapChanges;
    }

    /// The compiled form of program `program` of `object`, as runs use it, with its assembly
    /// listing (compiled again: runs compile without one).
    public CompiledProgram compiled(BpfObject object, int program, RuntimeOptions options) {
        CompiledProgram run = compile(object, program, options).code;
        CompiledProgram listed = isa.target().compile(object.programs().get(program),
                compileOptions.withListing(true).withEnvironment(ProgramEnvironment.of(object, options.profile(), options.context())));
        if (!java.util.Arrays.equals(run.code(), listed.code())) throw new IllegalStateException("compiling with a listing changed the code");
        return listed;
    }

    private Compiled compile(BpfObject object, int program, RuntimeOptions options) {
        ProgramEnvironment environment = ProgramEnvironment.of(object, options.profile(), options.context());
        if (object != cachedObject || options.staticCheck() != cachedStaticCheck || !environment.equals(cachedEnvironment)) {
            compiled = new Compiled[object.programs().size()];
            cachedObject = object;
            cachedStaticCheck = options.staticCheck();
            cachedEnvironment = environment;
        }
        Compiled c = compiled[program];
        if (c == null) {
            ProgramDef def = object.programs().get(program);
            CompiledProgram code = isa.target().compile(def, compileOptions.withListing(false).withEnvironment(environment));
            c = compiled[program] = new Compiled(def, code, options.staticCheck() ? StaticCheck.check(def.program()) : null,
                    RunEnvironment.unsupported(def.program()), RunEnvironment.maxMapIndex(def.program()), fixedRegisters(def, code), entryEnd(def));
        }
        return c;
    }

    @Override
    public ExecutionResult run(BpfObject object, int program, MapSet maps, RunInput input, RuntimeOptions options) {
        Compiled c = compile(object, program, options);
        RunEnvironment env = new RunEnvironment(RunEnvironment.contextKind(options, object.programs().get(program)), maps, input, options);
        ExecutionResult refused = env.refusal(c.rejection, c.unsupported, c.maxMapIndex);
        if (refused != null) return refused;
        open();
        load(c.code);
        Run run = new Run(env, c, object, options);
        current = run;
        try {
            return run.execute();
        } finally {
            current = null;
        }
    }

    // ---- the Unicorn instance ---------------------------------------------------------------

    private void open() {
        if (uc != null && !uc.isClosed()) {
            try {
                uc.pageSize(); // throws on another thread: Unicorn engines are confined
                return;
            } catch (IllegalStateException e) {
                uc = null;
                mapped.clear();
                codeMemory = null;
                codeMapped = 0;
                codeWritten = 0;
                stubsMapped = 0;
                loaded = null;
            }
        }
        uc = isa.cpuModel() < 0 ? Unicorn.open(isa.arch()) : Unicorn.open(isa.arch(), isa.cpuModel());
        pageSize = uc.pageSize();
        uc.memMap(isa.stackBase(), isa.stackSize(), Unicorn.PROT_READ | Unicorn.PROT_WRITE);
        for (int d = 0; d < MemoryLayout.MAX_FRAMES; d++) {
            frames[d] = hostMemory(pages(MemoryLayout.STACK_SIZE));
            uc.memMapHost(MemoryLayout.stackBase(d), frames[d], Unicorn.PROT_READ | Unicorn.PROT_WRITE);
        }
        uc.hookInterrupt((u, intno) -> {
            Run r = current;
            if (r != null) r.trap(intno);
        });
        uc.hookMemInvalid((u, access, address, size, value) -> {
            Run r = current;
            if (r != null) r.fault(access, address, size);
            return false;
        });
        if (counting) {
            // The whole code window (it may grow up to the stubs), hooked before anything is translated.
            uc.hookCode(isa.codeBase(), isa.stubBase() - 1, (u, address, size) -> instructionCount++);
        }
    }

    /// Page-aligned native memory that lives as long as it is referenced (from [#mapped]).
    private MemorySegment hostMemory(long size) {
        return Arena.ofAuto().allocate(size, pageSize);
    }

    /// The host memory behind the region at `base`.
    private MemorySegment memoryOf(Region r) {
        if (isFrame(r)) return frames[(int) ((r.base - MemoryLayout.STACK_BASE) >> MemoryLayout.WINDOW_SHIFT)];
        return mapped.get(r.base).memory();
    }

    private static boolean isFrame(Region r) {
        return r.base >= MemoryLayout.STACK_BASE && r.base < MemoryLayout.stackBase(MemoryLayout.MAX_FRAMES);
    }

    private long pages(long bytes) {
        return Math.max(pageSize, (bytes + pageSize - 1) / pageSize * pageSize);
    }

    /// Puts `code` (pool linked for emulation) at the code base, and a stub per pool entry.
    private void load(CompiledProgram code) {
        if (code == loaded) return;
        Map<PoolEntry, Integer> index = new HashMap<>();
        for (int i = 0; i < code.pool().size(); i++) index.put(code.pool().get(i), i);
        mapStubs(code.pool().size() + 1);
        byte[] bytes = code.link(e -> poolValue(e, index.get(e)));
        long need = pages(bytes.length);
        if (need > codeMapped) {
            // Rare (the first program, or one larger than the window): the only map changes for code.
            if (codeMapped > 0) uc.memUnmap(isa.codeBase(), codeMapped);
            mapChanges++;
            long size = Math.max(need, Math.max(CODE_WINDOW, 2 * codeMapped));
            codeMemory = hostMemory(size);
            uc.memMapHost(isa.codeBase(), codeMemory, Unicorn.PROT_READ | Unicorn.PROT_EXEC);
            codeMapped = size;
            codeWritten = 0;
        }
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, codeMemory, 0, bytes.length);
        // No stale bytes of a longer program stay executable past this one's end.
        if (codeWritten > bytes.length) codeMemory.asSlice(bytes.length, codeWritten - bytes.length).fill((byte) 0);
        // Unicorn does not notice rewritten code by itself: drop what it translated from every
        // byte that changed (this program's and the rest of the last one's), and nothing else.
        long changed = Math.max(codeWritten, bytes.length);
        if (changed > 0) uc.invalidateTranslations(isa.codeBase(), isa.codeBase() + changed);
        codeWritten = bytes.length;
        loaded = code;
    }

    /// Makes sure `count` stubs (the sentinel and one per pool entry) exist: written once for a
    /// window of [#STUB_WINDOW] bytes, rewritten only when a pool outgrows it.
    private void mapStubs(int count) {
        long stubs = pages(Math.max(STUB_WINDOW, (long) count * isa.stubStride()));
        if (stubs <= stubsMapped) return;
        if (stubsMapped > 0) uc.memUnmap(isa.stubBase(), stubsMapped);
        mapChanges++;
        uc.memMap(isa.stubBase(), stubs, Unicorn.PROT_READ | Unicorn.PROT_EXEC);
        byte[] page = new byte[(int) stubs];
        byte[] stub = isa.trapStub();
        byte[] sentinel = isa.sentinel();
        System.arraycopy(sentinel, 0, page, 0, sentinel.length);
        for (int i = 1; i * isa.stubStride() + stub.length <= page.length; i++) System.arraycopy(stub, 0, page, i * isa.stubStride(), stub.length);
        uc.memWrite(isa.stubBase(), page);
        stubsMapped = stubs;
    }

    /// Stub 0 is the sentinel; pool entry i traps through stub i + 1.
    private long stubAddress(int poolIndex) {
        return isa.stubBase() + (long) (poolIndex + 1) * isa.stubStride();
    }

    private long sentinelAddress() {
        return isa.stubBase();
    }

    /// What pool entry `e` (number `index`) holds under emulation: the layout's values, so
    /// pointers and handles compare equal with the interpreter's, and a trap stub per callee.
    private long poolValue(PoolEntry e, int index) {
        return switch (e) {
            case PoolEntry.MapHandle m -> MemoryLayout.mapHandle(m.map());
            case PoolEntry.MapValue m -> MemoryLayout.mapValuesBase(m.map()) + m.offset();
            case PoolEntry.CodeAddress c -> MemoryLayout.codeAddress(c.slot());
            case PoolEntry.Helper h -> stubAddress(index);
            case PoolEntry.Runtime r -> stubAddress(index);
        };
    }

    private final class Run {
        final RunEnvironment env;
        final BpfObject object;
        final RuntimeOptions options;
        Compiled c;
        CompiledProgram code;
        /// A tail call the last trap asked for: the program and its r1, r2; null when none.
        long[] tailCall;
        final int programs;
        final long budget;
        /// Set by a trap that ends the run.
        ErrorKind stopKind;
        String stopMessage;
        int stopSlot = -1;
        long stopR0;
        boolean stopHasR0;
        /// A region whose Java bytes are final (the context before a refused store).
        Region frozen;
        /// Set by the invalid-memory hook.
        UnicornMemAccess faultAccess;
        long faultAddress;
        int faultSize;

        Run(RunEnvironment env, Compiled c, BpfObject object, RuntimeOptions options) {
            this.env = env;
            this.c = c;
            this.code = c.code;
            this.object = object;
            this.options = options;
            this.programs = object.programs().size();
            this.budget = env.options().budget();
        }

        ExecutionResult execute() {
            UnicornHook contextHook = null;
            Region ctx = env.space().regionAt(MemoryLayout.CONTEXT_BASE);
            if (ctx != null && ctx.rules != null && env.programMayWrite(ctx)) {
                // Pages cannot say which context fields are writable: check each store to the page.
                contextHook = uc.hookMemWrite(ctx.base, ctx.base + pages(ctx.data.length) - 1, (u, address, size, value) -> contextWrite(ctx, address, size));
            }
            try {
                return executeMapped();
            } finally {
                if (contextHook != null) uc.hookDelete(contextHook);
            }
        }

        /// A store to the context: refused like the interpreter refuses it, before it lands.
        void contextWrite(Region ctx, long address, int size) {
            try {
                env.space().check(address, size, true);
            } catch (MemoryAccessException e) {
                if (stopKind != null) return;
                // The context as it was before this store.
                MemorySegment.copy(memoryOf(ctx), 0, MemorySegment.ofArray(ctx.data), 0, ctx.data.length);
                frozen = ctx;
                stop(ErrorKind.OUT_OF_BOUNDS, e.getMessage(), slotAt(uc.pc()));
            }
        }

        /// Runs the loaded code from its entry as `prog(r1, r2, r10_top)` until it returns to the
        /// sentinel, stops, faults or executes `limit` instructions (0: no limit).
        UnicornError start(long r1, long r2, long limit) {
            for (UnicornReg r : isa.clearedAtEntry()) uc.regWrite(r, 0);
            UnicornReg[] args = isa.arguments();
            uc.regWrite(args[0], r1);
            uc.regWrite(args[1], r2);
            uc.regWrite(args[2], RunEnvironment.frameTop(0));
            isa.prepareReturn(uc, isa.stackBase() + isa.stackSize(), sentinelAddress());
            return uc.tryStart(isa.codeBase() + code.entryOffset(), sentinelAddress(), 0, limit);
        }

        ExecutionResult executeMapped() {
            mapRegions();
            copyIn(true);
            long limit = budget > Long.MAX_VALUE / MACHINE_PER_BPF ? 0 : budget * MACHINE_PER_BPF;
            if (counting) instructionCount = 0;
            UnicornError err = start(env.r1(), env.r2(), limit);
            long pc = uc.pc();
            // After a helper Java and the emulator agree; after anything else the emulator is ahead.
            copyOut();
            while (tailCall != null && stopKind == null) {
                int target = (int) tailCall[0];
                Compiled next = compile(object, target, options);
                String refused = next.rejection != null ? next.rejection : next.unsupported;
                if (refused != null) {
                    return env.result(0, next.rejection != null ? ErrorKind.REJECTED : ErrorKind.UNSUPPORTED,
                            "tail call into program " + target + ": " + refused, -1, -1);
                }
                c = next;
                code = next.code;
                load(code);
                frames[0].asSlice(0, MemoryLayout.STACK_SIZE).fill((byte) 0);
                long r1 = tailCall[1], r2 = tailCall[2];
                tailCall = null;
                err = start(r1, r2, limit);
                pc = uc.pc();
                copyOut();
            }
            if (stopKind != null) {
                // BPF r0, which is not the return register at a trap on every ISA (ARM64 keeps it in x7).
                long r0 = stopKind == ErrorKind.NONE || stopKind == ErrorKind.UNWIND ? (stopHasR0 ? stopR0 : uc.regRead(isa.bpfRegister(0))) : 0;
                return env.result(r0, stopKind, "slot " + stopSlot + ": " + stopMessage, stopSlot, -1);
            }
            if (err == UnicornError.OK && pc == sentinelAddress()) {
                return env.result(uc.regRead(isa.returnRegister()), ErrorKind.NONE, "", -1, -1);
            }
            int slot = slotAt(pc);
            if (err == UnicornError.OK) {
                return env.result(0, ErrorKind.BUDGET_EXHAUSTED, "slot " + slot + ": instruction budget of " + budget
                        + " exhausted (" + limit + " machine instructions)", slot, -1);
            }
            if (faultAccess != null) {
                return env.result(0, ErrorKind.OUT_OF_BOUNDS, "slot " + slot + ": " + faultMessage(), slot, -1);
            }
            return env.result(0, ErrorKind.UNSUPPORTED, "slot " + slot + ": emulation stopped with " + err.cName()
                    + " at 0x" + Long.toHexString(pc), slot, -1);
        }

        int slotAt(long pc) {
            long off = pc - isa.codeBase();
            return off >= 0 && off < code.code().length ? code.slotAt((int) off) : -1;
        }

        /// The interpreter's message for the access when the Java address space refuses it too.
        String faultMessage() {
            boolean write = faultAccess.isWrite();
            try {
                env.space().check(faultAddress, faultSize, write);
            } catch (MemoryAccessException e) {
                return e.getMessage();
            }
            return (write ? "write" : faultAccess.isFetch() ? "fetch" : "read") + " of " + faultSize + " bytes at 0x"
                    + Long.toHexString(faultAddress) + ": " + faultAccess.name().toLowerCase().replace('_', ' ');
        }

        void fault(UnicornMemAccess access, long address, int size) {
            if (faultAccess == null) {
                faultAccess = access;
                faultAddress = address;
                faultSize = size;
            }
        }

        // ---- memory --------------------------------------------------------------------------

        /// Maps every region of the run (frames have their own fixed mappings) with the pages and
        /// permissions it needs, reusing mappings that already fit, unmapping the rest.
        void mapRegions() {
            Map<Long, long[]> want = new HashMap<>();
            for (Region r : env.regions()) {
                if (isFrame(r) || r.data.length == 0) continue; // an empty region must stay unmapped: every access faults
                int perms = Unicorn.PROT_READ | (env.programMayWrite(r) ? Unicorn.PROT_WRITE : 0);
                want.put(r.base, new long[]{pages(r.data.length), perms});
            }
            for (var it = mapped.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                long[] w = want.get(e.getKey());
                if (w == null || w[0] != e.getValue().size()) {
                    uc.memUnmap(e.getKey(), e.getValue().size());
                    mapChanges++;
                    it.remove();
                } else if (w[1] != e.getValue().perms()) {
                    uc.memProtect(e.getKey(), w[0], (int) w[1]);
                    mapChanges++;
                    e.setValue(new Mapping(w[0], (int) w[1], e.getValue().memory()));
                }
            }
            for (var e : want.entrySet()) {
                if (!mapped.containsKey(e.getKey())) {
                    MemorySegment m = hostMemory(e.getValue()[0]);
                    uc.memMapHost(e.getKey(), m, (int) e.getValue()[1]);
                    mapChanges++;
                    mapped.put(e.getKey(), new Mapping(e.getValue()[0], (int) e.getValue()[1], m));
                }
            }
        }

        /// Java → emulator: every region's bytes; at the start also zeroes the stack frames and
        /// what lies past each region in its last page (so no run sees an earlier run's bytes).
        void copyIn(boolean start) {
            for (Region r : env.regions()) {
                if (r.data.length == 0 || (start && isFrame(r))) continue;
                MemorySegment m = memoryOf(r);
                MemorySegment.copy(MemorySegment.ofArray(r.data), 0, m, 0, r.data.length);
                if (start) m.asSlice(r.data.length).fill((byte) 0);
            }
            if (start) for (MemorySegment f : frames) f.asSlice(0, MemoryLayout.STACK_SIZE).fill((byte) 0);
        }

        /// Emulator → Java: the regions the program may have written (frames included).
        void copyOut() {
            for (Region r : env.regions()) {
                if (r.data.length > 0 && env.programMayWrite(r) && r != frozen) {
                    MemorySegment.copy(memoryOf(r), 0, MemorySegment.ofArray(r.data), 0, r.data.length);
                }
            }
        }

        // ---- traps ---------------------------------------------------------------------------

        void trap(int intno) {
            long at = isa.trapAddress(uc, intno);
            long index = at < 0 ? -1 : (at - isa.stubBase()) / isa.stubStride() - 1;
            if (at < 0 || index < 0 || index >= code.pool().size() || (at - isa.stubBase()) % isa.stubStride() != 0) {
                stop(ErrorKind.UNSUPPORTED, "unexpected interrupt " + intno + " at 0x" + Long.toHexString(uc.pc()), slotAt(uc.pc()));
                return;
            }
            int slot = slotAt(isa.callSite(uc));
            UnicornReg[] a = isa.arguments();
            PoolEntry entry = code.pool().get((int) index);
            // Java helpers see the frames up to the current depth, as the interpreter maps them.
            env.mapFramesUpTo(depth(a));
            switch (entry) {
                case PoolEntry.Helper h -> helper(h.id(), a, slot);
                case PoolEntry.Runtime r -> runtime(r.entry(), a, slot);
                default -> stop(ErrorKind.UNSUPPORTED, "pool entry " + entry + " was called", slot);
            }
        }

        /// The call depth at a trap. -O0 code keeps BPF r10 in a fixed register; -O2 code keeps the
        /// frame pointer wherever the allocator put it, so there the depth is the deepest frame
        /// any argument points into (the only frames a helper can reach).
        int depth(UnicornReg[] a) {
            if (c.fixedRegisters) return depthOf(uc.regRead(isa.bpfRegister(10)) - 1);
            int depth = 0;
            for (int i = 0; i < 5; i++) depth = Math.max(depth, depthOf(uc.regRead(a[i])));
            return depth;
        }

        /// The depth of the frame holding `address`, 0 if it is in none.
        static int depthOf(long address) {
            long d = (address - MemoryLayout.STACK_BASE) >> MemoryLayout.WINDOW_SHIFT;
            return address < MemoryLayout.STACK_BASE || d >= MemoryLayout.MAX_FRAMES ? 0 : (int) d;
        }

        /// Whether the code that trapped at `slot` runs at call depth 0: -O0 code keeps r10 in a
        /// register; -O2 code is at depth 0 in the entry function, which no local call can reach
        /// (a `callx` of slot 0 could: then this is wrong).
        boolean atDepthZero(int slot) {
            if (c.fixedRegisters) return depthOf(uc.regRead(isa.bpfRegister(10)) - 1) == 0;
            return slot >= 0 && slot < c.entryEnd;
        }

        void helper(long id, UnicornReg[] a, int slot) {
            copyOut();
            HelperOutcome out = env.callHelper(id, uc.regRead(a[0]), uc.regRead(a[1]), uc.regRead(a[2]), uc.regRead(a[3]), uc.regRead(a[4]));
            copyIn(false);
            finish(out, slot);
        }

        void finish(HelperOutcome out, int slot) {
            // A tail call starts the target with r1, r2 as the helper got them: read them before
            // the result lands (the return register is BPF r1 on ARM64 and RISC-V).
            long r1 = uc.regRead(isa.arguments()[0]), r2 = uc.regRead(isa.arguments()[1]);
            if (out.returned()) {
                // Clobbered arguments first: where the return register is also BPF r1 (ARM64 x0,
                // RISC-V a0) the code expects the result there, and r1 is dead after a call in BPF.
                long[] clobber = out.clobber();
                if (clobber != null) for (int i = 0; i < 5; i++) uc.regWrite(isa.bpfRegister(i + 1), clobber[i]);
                uc.regWrite(isa.returnRegister(), out.r0());
            }
            if (out.stop() != null) {
                stopHasR0 = out.returned();
                stopR0 = out.r0();
                stop(out.stop(), out.message(), slot);
            } else if (out.tailCall() >= 0) {
                if (out.tailCall() >= programs) {
                    stop(ErrorKind.BAD_CALL, "tail call to program " + out.tailCall() + ", but only " + programs + " programs are loaded", slot);
                } else if (!atDepthZero(slot)) {
                    stop(ErrorKind.UNSUPPORTED, "tail calls from a BPF-to-BPF callee are not supported by the " + name + " engine", slot);
                } else {
                    tailCall = new long[]{out.tailCall(), r1, r2};
                    uc.stop();
                }
            }
        }

        void runtime(RuntimeEntry entry, UnicornReg[] a, int slot) {
            switch (entry) {
                case ERROR -> {
                    RuntimeError e = RuntimeError.ofCode(uc.regRead(a[0]));
                    int at = (int) uc.regRead(a[1]);
                    if (e == null) stop(ErrorKind.UNSUPPORTED, "unknown runtime error " + uc.regRead(a[0]), at);
                    else stop(e.kind, e.message(uc.regRead(a[2])), at);
                }
                case LOAD_PACKET -> {
                    copyOut();
                    finish(env.loadPacket(uc.regRead(a[0]), (int) uc.regRead(a[1])), slot);
                }
                case RESOLVE_CALLX -> {
                    long target = uc.regRead(a[0]);
                    int s = MemoryLayout.slotOfCodeAddress(target);
                    int[] offsets = code.slotOffsets();
                    // -O2 code has entries only where functions start: elsewhere callx is not a call.
                    boolean function = s >= 0 && s < offsets.length && c.def.program().indexAtSlot(s) >= 0 && offsets[s] >= 0;
                    uc.regWrite(isa.returnRegister(), function ? isa.codeBase() + offsets[s] : 0);
                }
                case HELPER_BY_ID -> {
                    long id = uc.regRead(a[5]);
                    if (env.options().profile().get(id) == null) {
                        stop(ErrorKind.BAD_CALL, "callx target 0x" + Long.toHexString(id) + " is neither a function nor a helper", slot);
                    } else {
                        helper(id, a, slot);
                    }
                }
            }
        }

        void stop(ErrorKind kind, String message, int slot) {
            if (stopKind != null) return;
            stopKind = kind;
            stopMessage = message;
            stopSlot = slot;
            uc.stop();
        }
    }
}
