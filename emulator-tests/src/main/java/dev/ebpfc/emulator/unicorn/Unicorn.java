package dev.ebpfc.emulator.unicorn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/// One Unicorn 2 engine (`uc_engine*`) bound through the FFM API: memory, registers, emulation
/// and hooks for the three ebpfc ISAs ([UnicornArch]).
///
/// Built to run millions of tiny programs: downcall handles are static finals in [UnicornNative],
/// register and small-memory transfers reuse one per-instance scratch segment, and `byte[]`
/// transfers pass the array itself to the library (critical downcalls), so the steady state
/// allocates nothing per call.
///
/// Confined to the thread that opened it (its scratch memory lives in a confined arena), as is
/// Unicorn itself. Hooks run on that same thread, inside [#start]; a hook may use this instance
/// (read/write registers and memory, [#stop]) but not [#close] it. A hook that throws stops the
/// emulation and [#start] rethrows, wrapped, once `uc_emu_start` has returned.
public final class Unicorn implements AutoCloseable {

    /// `uc_prot` (unicorn.h): permissions for [#memMap], [#memMapHost] and [#memProtect].
    public static final int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4, PROT_ALL = 7;

    // uc_hook_type bits (unicorn.h 2.0.1).
    private static final int UC_HOOK_INTR = 1, UC_HOOK_INSN = 1 << 1, UC_HOOK_CODE = 1 << 2, UC_HOOK_MEM_WRITE = 1 << 11;
    /// UC_HOOK_MEM_UNMAPPED + UC_HOOK_MEM_PROT: bits 4..9.
    private static final int UC_HOOK_MEM_INVALID = 0b11_1111 << 4;
    /// x86.h `UC_X86_INS_SYSCALL`, the variadic argument of a UC_HOOK_INSN hook.
    private static final int UC_X86_INS_SYSCALL = 699;
    /// `UC_CTL_WRITE(UC_CTL_TB_FLUSH, 0)` = type | (nargs << 26) | (UC_CTL_IO_WRITE << 30), with
    /// UC_CTL_TB_FLUSH = 10 (the 11th `uc_control_type`); unicorn.h spells it `uc_ctl_flush_tlb`
    /// although it flushes translated blocks, not the TLB.
    static final int UC_CTL_TB_FLUSH_WRITE = 10 | (0 << 26) | (1 << 30);
    /// `UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2)`: UC_CTL_TB_REMOVE_CACHE = 9, two arguments.
    static final int UC_CTL_TB_REMOVE_CACHE_WRITE = 9 | (2 << 26) | (1 << 30);
    /// `UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1)`: UC_CTL_CPU_MODEL = 7, one argument.
    static final int UC_CTL_CPU_MODEL_WRITE = 7 | (1 << 26) | (1 << 30);
    private static final int UC_QUERY_PAGE_SIZE = 2;
    /// Room for the widest register Unicorn may write for an id (a 512-bit vector), so a wrong id
    /// passed to [#regRead] cannot write past the scratch buffer.
    private static final long SCRATCH_BYTES = 64;

    /// Invoked for interrupts and traps (`int3`, `brk`/`svc`, `ebreak`/`ecall`) with the
    /// target-specific interrupt number (Unicorn's QEMU `EXCP_*`/cause code).
    @FunctionalInterface
    public interface InterruptHook {
        void onInterrupt(Unicorn uc, int intno);
    }

    /// Invoked before each instruction in the hooked range.
    @FunctionalInterface
    public interface CodeHook {
        void onCode(Unicorn uc, long address, int size);
    }

    /// Invoked for an access to unmapped or protected memory. Return true only after making the
    /// access possible (mapping the page); false stops emulation with the matching
    /// `UC_ERR_*_UNMAPPED` / `UC_ERR_*_PROT`.
    @FunctionalInterface
    public interface MemInvalidHook {
        boolean onInvalidAccess(Unicorn uc, UnicornMemAccess access, long address, int size, long value);
    }

    /// Invoked before a valid write in the hooked range is performed (UC_HOOK_MEM_WRITE). The
    /// write happens after the hook returns, even when it calls [Unicorn#stop], which ends the
    /// emulation after the current instruction. Registering one makes every store of the engine
    /// take Unicorn's slow path, so keep it only while needed.
    @FunctionalInterface
    public interface MemWriteHook {
        void onWrite(Unicorn uc, long address, int size, long value);
    }

    /// Invoked for the x86_64 `syscall` instruction (UC_HOOK_INSN). In 2.0.1 rip still holds the
    /// address of the `syscall` itself during the hook; Unicorn continues after it on return.
    @FunctionalInterface
    public interface SyscallHook {
        void onSyscall(Unicorn uc);
    }

    private final UnicornArch arch;
    private final Arena arena;
    private final MemorySegment scratch;
    private final MemorySegment uc;
    private final List<UnicornHook> hooks = new ArrayList<>();
    /// Host segments passed to [#memMapHost]: Unicorn holds raw pointers into them, so [#start]
    /// refuses to run once one of their arenas has been closed (that would be a use-after-free).
    private final List<HostMapping> hostMappings = new ArrayList<>();
    /// Unicorn is not thread-safe; the scratch arena would catch most cross-thread calls, but not
    /// `uc_emu_start`, which uses no scratch, so every entry point checks the thread explicitly.
    private final Thread owner = Thread.currentThread();
    private boolean closed;
    private boolean running;
    /// The first Throwable a hook threw during the current [#start]; later ones are suppressed.
    private Throwable hookFailure;

    private record HostMapping(long address, long size, MemorySegment memory) {}

    private Unicorn(UnicornArch arch, Arena arena, MemorySegment scratch, MemorySegment uc) {
        this.arch = arch;
        this.arena = arena;
        this.scratch = scratch;
        this.uc = uc;
    }

    /// Opens an engine for `arch`. Throws [UnicornException] ("libunicorn.so.2 not found: ...")
    /// when the library is not installed.
    public static Unicorn open(UnicornArch arch) {
        requireLibrary();
        Arena arena = Arena.ofConfined();
        try {
            MemorySegment scratch = arena.allocate(SCRATCH_BYTES, 16);
            int err = (int) UnicornNative.UC_OPEN.invokeExact(arch.ucArch(), arch.ucMode(), scratch);
            if (err != 0) throw UnicornException.of("uc_open", err);
            MemorySegment engine = scratch.get(ADDRESS, 0);
            return new Unicorn(arch, arena, scratch, engine);
        } catch (Throwable t) {
            arena.close();
            throw rethrow(t);
        }
    }

    /// Opens an engine for `arch` emulating CPU model `cpuModel` (`uc_cpu_arm64` etc. of the
    /// architecture's header, e.g. [#ARM64_CPU_MAX]), set before the CPU is first used.
    public static Unicorn open(UnicornArch arch, int cpuModel) {
        Unicorn u = open(arch);
        int err;
        try {
            err = (int) UnicornNative.UC_CTL_I.invokeExact(u.uc, UC_CTL_CPU_MODEL_WRITE, cpuModel);
        } catch (Throwable t) {
            u.close();
            throw rethrow(t);
        }
        if (err != 0) {
            u.close();
            throw UnicornException.of("uc_ctl(UC_CTL_CPU_MODEL)", err);
        }
        return u;
    }

    /// `UC_CPU_ARM64_MAX` (arm64.h 2.0.1: A57, A53, A72, MAX): QEMU's `max` AArch64 CPU, with
    /// FEAT_LSE among the Armv8.1+ features the default Cortex-A72 lacks.
    public static final int ARM64_CPU_MAX = 3;

    /// The raw `uc_version` value. unicorn.h documents `major << 8 | minor`, but 2.0.1 returns
    /// `major << 24 | minor << 16 | patch << 8 | extra` (0x020001ff).
    public static int version() {
        requireLibrary();
        try {
            return (int) UnicornNative.UC_VERSION.invokeExact(MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /// "2.0.1" for the Debian libunicorn2 package.
    public static String versionString() {
        int v = version();
        return (v >>> 24) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff);
    }

    private static void requireLibrary() {
        if (UnicornNative.LOAD_FAILURE != null) throw new UnicornException(UnicornNative.LOAD_FAILURE);
    }

    public UnicornArch arch() {
        return arch;
    }

    // ---- memory --------------------------------------------------------------------------------

    /// Maps zeroed memory owned by Unicorn; address and size must be page aligned ([#pageSize]).
    public void memMap(long address, long size, int perms) {
        check(mapCall(address, size, perms), "uc_mem_map");
    }

    private int mapCall(long address, long size, int perms) {
        checkOpen();
        try {
            return (int) UnicornNative.UC_MEM_MAP.invokeExact(uc, address, size, perms);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /// Maps `hostMemory` itself at `address` (`uc_mem_map_ptr`): emulated stores land in the
    /// segment and Java stores are seen by the emulated code, with no copying. The segment must be
    /// native, page-sized and stay alive until unmapped or until [#close]; code written this way
    /// is not retranslated automatically (see [#flushTranslationCache]).
    public void memMapHost(long address, MemorySegment hostMemory, int perms) {
        checkOpen();
        if (!hostMemory.isNative()) throw new IllegalArgumentException("memMapHost needs native memory");
        long size = hostMemory.byteSize();
        int err;
        try {
            err = (int) UnicornNative.UC_MEM_MAP_PTR.invokeExact(uc, address, size, perms, hostMemory);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(err, "uc_mem_map_ptr");
        hostMappings.add(new HostMapping(address, size, hostMemory));
    }

    public void memUnmap(long address, long size) {
        checkOpen();
        int err;
        try {
            err = (int) UnicornNative.UC_MEM_UNMAP.invokeExact(uc, address, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(err, "uc_mem_unmap");
        // Unicorn may split a host mapping; keeping a partly unmapped one checked is conservative.
        hostMappings.removeIf(m -> m.address >= address && m.address + m.size <= address + size);
    }

    public void memProtect(long address, long size, int perms) {
        checkOpen();
        int err;
        try {
            err = (int) UnicornNative.UC_MEM_PROTECT.invokeExact(uc, address, size, perms);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(err, "uc_mem_protect");
    }

    public void memWrite(long address, byte[] bytes) {
        memWrite(address, MemorySegment.ofArray(bytes));
    }

    /// Writes `bytes` (heap or native) to emulated memory; ignores permissions, like the C API.
    public void memWrite(long address, MemorySegment bytes) {
        checkOpen();
        int err;
        try {
            err = (int) UnicornNative.UC_MEM_WRITE.invokeExact(uc, address, bytes, bytes.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(err, "uc_mem_write");
    }

    public byte[] memRead(long address, int length) {
        byte[] out = new byte[length];
        memRead(address, MemorySegment.ofArray(out));
        return out;
    }

    /// Fills `into` (heap or native) from emulated memory.
    public void memRead(long address, MemorySegment into) {
        checkOpen();
        int err;
        try {
            err = (int) UnicornNative.UC_MEM_READ.invokeExact(uc, address, into, into.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(err, "uc_mem_read");
    }

    /// Little-endian 64-bit store; all three targets are little-endian.
    public void memWriteLong(long address, long value) {
        checkOpen();
        scratch.set(JAVA_LONG_LE, 0, value);
        int err;
        try {
            err = (int) UnicornNative.UC_MEM_WRITE.invokeExact(uc, address, scratch, 8L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(err, "uc_mem_write");
    }

    public long memReadLong(long address) {
        checkOpen();
        int err;
        try {
            err = (int) UnicornNative.UC_MEM_READ.invokeExact(uc, address, scratch, 8L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(err, "uc_mem_read");
        return scratch.get(JAVA_LONG_LE, 0);
    }

    private static final ValueLayout.OfLong JAVA_LONG_LE = JAVA_LONG.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    /// The engine's page size: the alignment [#memMap] requires.
    public long pageSize() {
        checkOpen();
        int err;
        try {
            err = (int) UnicornNative.UC_QUERY.invokeExact(uc, UC_QUERY_PAGE_SIZE, scratch);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(err, "uc_query");
        return scratch.get(JAVA_LONG, 0);
    }

    // ---- registers -----------------------------------------------------------------------------

    /// Writes the low 64 bits of register `regId` (a `UC_<ARCH>_REG_*` value). Unicorn 2.0.1
    /// returns UC_ERR_OK for ids it does not know (the write is dropped, a read yields 0), so
    /// prefer the typed [#regWrite(UnicornReg, long)].
    public void regWrite(int regId, long value) {
        checkOpen();
        scratch.set(JAVA_LONG, 0, value);
        int err;
        try {
            err = (int) UnicornNative.UC_REG_WRITE.invokeExact(uc, regId, scratch);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (err != 0) throw UnicornException.of("uc_reg_write", err);
    }

    public long regRead(int regId) {
        checkOpen();
        scratch.set(JAVA_LONG, 0, 0L); // registers narrower than 64 bits leave the rest as is
        int err;
        try {
            err = (int) UnicornNative.UC_REG_READ.invokeExact(uc, regId, scratch);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (err != 0) throw UnicornException.of("uc_reg_read", err);
        return scratch.get(JAVA_LONG, 0);
    }

    public void regWrite(UnicornReg reg, long value) {
        regWrite(reg.id(), value);
    }

    public long regRead(UnicornReg reg) {
        return regRead(reg.id());
    }

    public long pc() {
        return regRead(arch.pcRegister());
    }

    public void setPc(long pc) {
        regWrite(arch.pcRegister(), pc);
    }

    // ---- emulation -----------------------------------------------------------------------------

    /// Runs from `begin` until the PC reaches `until`, `timeoutMicros` elapse (0 = none; a
    /// non-zero timeout makes Unicorn start a timer thread per call, so avoid it in hot loops) or
    /// `count` instructions have run (0 = no limit). A hook's exception is rethrown wrapped in a
    /// [UnicornException] whose cause it is; emulation faults throw with their `uc_err`.
    public void start(long begin, long until, long timeoutMicros, long count) {
        UnicornError e = tryStart(begin, until, timeoutMicros, count);
        if (e != UnicornError.OK) throw UnicornException.of("uc_emu_start", e.ordinal());
    }

    /// [#start] for callers that expect faults: returns the `uc_err` (OK on a clean stop) instead
    /// of throwing; still throws when a hook threw, because that is a harness bug, not a result.
    public UnicornError tryStart(long begin, long until, long timeoutMicros, long count) {
        checkOpen();
        if (running) throw new IllegalStateException("start() called from a hook");
        checkHostMappings();
        hookFailure = null;
        running = true;
        int err;
        try {
            err = (int) UnicornNative.UC_EMU_START.invokeExact(uc, begin, until, timeoutMicros, count);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            running = false;
        }
        Throwable failure = hookFailure;
        if (failure != null) {
            hookFailure = null;
            String how = err == 0 ? "" : " (emulation then ended with " + UnicornError.of(err).cName() + ")";
            throw new UnicornException("uc_emu_start: a hook threw " + failure + how, "uc_emu_start",
                    err == 0 ? null : UnicornError.of(err), failure);
        }
        return UnicornError.of(err);
    }

    /// Asks a running emulation to stop after the current instruction; for use from hooks.
    public void stop() {
        checkOpen();
        int err;
        try {
            err = (int) UnicornNative.UC_EMU_STOP.invokeExact(uc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(err, "uc_emu_stop");
    }

    /// Drops every translated block, so rewritten code is decoded afresh on the next [#start].
    /// Unicorn 2.0.1 invalidates nothing when code changes (neither `uc_mem_write` nor stores to
    /// host-backed memory; only the block at `begin` is retranslated per start), so any rewrite of
    /// code that already ran needs this or [#invalidateTranslations].
    ///
    /// Expensive in 2.0.1: the flush touches the whole 1 GiB TCG code buffer, so the first call
    /// on an engine takes 0.2-3 s and raises RSS by ~1 GiB (returned at [#close]); later calls
    /// take ~20 ms. Prefer [#invalidateTranslations] for a known range.
    public void flushTranslationCache() {
        checkOpen();
        int err;
        try {
            err = (int) UnicornNative.UC_CTL0.invokeExact(uc, UC_CTL_TB_FLUSH_WRITE);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(err, "uc_ctl(UC_CTL_TB_FLUSH)");
    }

    /// Drops the translated blocks covering [begin, end) (`UC_CTL_TB_REMOVE_CACHE`); tens of
    /// microseconds, unlike [#flushTranslationCache].
    public void invalidateTranslations(long begin, long end) {
        checkOpen();
        if (Long.compareUnsigned(end, begin) <= 0) throw new IllegalArgumentException("empty range");
        int err;
        try {
            err = (int) UnicornNative.UC_CTL_LL.invokeExact(uc, UC_CTL_TB_REMOVE_CACHE_WRITE, begin, end);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(err, "uc_ctl(UC_CTL_TB_REMOVE_CACHE)");
    }

    void hookFailed(Throwable t) {
        if (hookFailure == null) hookFailure = t;
        else if (hookFailure != t) hookFailure.addSuppressed(t);
    }

    // ---- hooks ---------------------------------------------------------------------------------

    /// UC_HOOK_INTR: every interrupt and trap.
    public UnicornHook hookInterrupt(InterruptHook callback) {
        return addHook(UnicornHook.Kind.INTERRUPT, callback, UC_HOOK_INTR, UnicornNative.INTR_STUB, 1, 0);
    }

    /// UC_HOOK_CODE for instructions in [begin, end] (inclusive); begin > end hooks every address.
    public UnicornHook hookCode(long begin, long end, CodeHook callback) {
        return addHook(UnicornHook.Kind.CODE, callback, UC_HOOK_CODE, UnicornNative.CODE_STUB, begin, end);
    }

    /// UC_HOOK_MEM_INVALID: unmapped and protection faults for reads, writes and fetches.
    public UnicornHook hookMemInvalid(MemInvalidHook callback) {
        return addHook(UnicornHook.Kind.MEM_INVALID, callback, UC_HOOK_MEM_INVALID,
                UnicornNative.MEM_INVALID_STUB, 1, 0);
    }

    /// UC_HOOK_MEM_WRITE for writes to [begin, end] (inclusive).
    public UnicornHook hookMemWrite(long begin, long end, MemWriteHook callback) {
        return addHook(UnicornHook.Kind.MEM_WRITE, callback, UC_HOOK_MEM_WRITE, UnicornNative.MEM_ACCESS_STUB, begin, end);
    }

    /// UC_HOOK_INSN for x86_64 `syscall` (Unicorn does not report it through UC_HOOK_INTR).
    public UnicornHook hookSyscall(SyscallHook callback) {
        if (arch != UnicornArch.X86_64) throw new IllegalStateException("syscall hooks are x86_64 only");
        return addHook(UnicornHook.Kind.SYSCALL, callback, UC_HOOK_INSN, UnicornNative.SYSCALL_STUB, 1, 0);
    }

    private UnicornHook addHook(UnicornHook.Kind kind, Object callback, int type, MemorySegment stub,
                                long begin, long end) {
        checkOpen();
        if (callback == null) throw new NullPointerException("callback");
        UnicornHook hook = UnicornHook.register(this, kind, callback);
        MemorySegment userData = MemorySegment.ofAddress(hook.slot);
        int err;
        try {
            err = type == UC_HOOK_INSN
                    ? (int) UnicornNative.UC_HOOK_ADD_INSN.invokeExact(uc, scratch, type, stub, userData, begin, end,
                            UC_X86_INS_SYSCALL)
                    : (int) UnicornNative.UC_HOOK_ADD.invokeExact(uc, scratch, type, stub, userData, begin, end);
        } catch (Throwable t) {
            UnicornHook.release(hook);
            throw rethrow(t);
        }
        if (err != 0) {
            UnicornHook.release(hook);
            throw UnicornException.of("uc_hook_add", err);
        }
        hook.handle = scratch.get(JAVA_LONG, 0);
        hooks.add(hook);
        return hook;
    }

    /// Removes `hook`; deleting twice is a no-op.
    public void hookDelete(UnicornHook hook) {
        checkOpen();
        if (hook.owner != this) throw new IllegalArgumentException("hook belongs to another engine");
        if (hook.deleted) return;
        int err;
        try {
            err = (int) UnicornNative.UC_HOOK_DEL.invokeExact(uc, hook.handle);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(err, "uc_hook_del");
        hook.deleted = true;
        hooks.remove(hook);
        UnicornHook.release(hook);
    }

    // ---- lifecycle -----------------------------------------------------------------------------

    /// Frees the engine, its hooks' slots and the scratch memory. Idempotent. Host segments given
    /// to [#memMapHost] are the caller's and stay open.
    @Override
    public void close() {
        if (closed) return;
        checkThread();
        if (running) throw new IllegalStateException("close() called from a hook");
        closed = true;
        for (UnicornHook h : hooks) {
            h.deleted = true;
            UnicornHook.release(h);
        }
        hooks.clear();
        hostMappings.clear();
        int err;
        try {
            err = (int) UnicornNative.UC_CLOSE.invokeExact(uc);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            arena.close();
        }
        check(err, "uc_close");
    }

    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        // The engine pointer dangles after uc_close; calling through it would crash the JVM.
        if (closed) throw new IllegalStateException("Unicorn engine is closed");
        checkThread();
    }

    private void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("Unicorn engine is confined to thread " + owner.getName());
        }
    }

    private void checkHostMappings() {
        for (int i = 0; i < hostMappings.size(); i++) {
            MemorySegment m = hostMappings.get(i).memory;
            if (!m.scope().isAlive()) {
                throw new IllegalStateException("host memory mapped at 0x"
                        + Long.toHexString(hostMappings.get(i).address) + " was freed; unmap it first");
            }
        }
    }

    private static void check(int err, String call) {
        if (err != 0) throw UnicornException.of(call, err);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t); // downcall handles declare Throwable but throw no checked ones
    }
}
