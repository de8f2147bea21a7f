package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.context.ProgramContext;
import dev.ebpfc.runtime.maps.BpfMap;
import dev.ebpfc.runtime.maps.MapSet;
import dev.ebpfc.runtime.memory.Memory;

import java.util.ArrayList;
import java.util.List;

/// What a helper may see and do during one run: memory, maps, context, deterministic world state,
/// and the side channels its output goes to. Requests that only the engine can carry out (stop the
/// program, tail call, overwrite argument registers) are recorded here and acted on by the engine
/// after the call returns; [#resetRequests] clears them before each call.
public final class HelperEnvironment {
    public final Memory memory;
    public final MapSet maps;
    public final ProgramContext context;
    public final HelperOptions options;

    private long clock;
    private long random;
    private final StringBuilder printk = new StringBuilder();
    private final List<byte[]> perfEvents = new ArrayList<>();
    /// Last redirect target (`redirect`, `redirect_map`), -1 when none.
    public long redirectTarget = -1;
    /// Tail calls taken so far (Linux allows MAX_TAIL_CALL_CNT = 33 per run).
    public int tailCalls;
    public static final int MAX_TAIL_CALLS = 33;

    /// Runs a function of the program for a helper that calls back (`bpf_loop`); installed by
    /// engines that can, null otherwise.
    private Callbacks callbacks;

    /// How an engine runs a function of the running program on a helper's behalf.
    @FunctionalInterface
    public interface Callbacks {
        /// Calls the function at code address `address` (`MemoryLayout.codeAddress(slot)`) with
        /// r1–r5 = `args` (missing ones 0), as a bpf-to-bpf call from the instruction calling
        /// the helper: a fresh frame one deeper, r6–r9 and the caller's frame preserved. Returns
        /// its r0. A fault inside it stops the program as any fault does (the engine's own
        /// exception, reporting the callback's slot); an address that is no function start
        /// stops it with BAD_CALL.
        long call(long address, long... args);
    }

    // Requests to the engine, reset before every call.
    private ErrorKind stopKind;
    private String stopMessage;
    private int tailCallProgram = -1;
    private long[] clobber;

    public HelperEnvironment(Memory memory, MapSet maps, ProgramContext context, HelperOptions options) {
        this.memory = memory;
        this.maps = maps;
        this.context = context;
        this.options = options;
        this.clock = options.clockStartNs();
        this.random = options.randomSeed() == 0 ? 0x9e3779b97f4a7c15L : options.randomSeed();
    }

    /// The map a handle names, or a BAD_CALL stop.
    public BpfMap map(long handle, String helper) {
        BpfMap m = maps.byHandle(handle);
        if (m == null) throw new HelperException(ErrorKind.BAD_CALL, helper + ": 0x" + Long.toHexString(handle) + " is not a map");
        return m;
    }

    /// Current clock value, then advances it.
    public long tick() {
        long t = clock;
        clock += options.clockStepNs();
        return t;
    }

    /// Next 32 random bits (xorshift64*: deterministic and engine-independent).
    public int nextRandom() {
        random ^= random >>> 12;
        random ^= random << 25;
        random ^= random >>> 27;
        return (int) ((random * 0x2545F4914F6CDD1DL) >>> 32);
    }

    public void print(String s) {
        printk.append(s);
    }

    public String printkOutput() {
        return printk.toString();
    }

    public void perfEvent(byte[] data) {
        perfEvents.add(data.clone());
    }

    public List<byte[]> perfEvents() {
        return List.copyOf(perfEvents);
    }

    /// Why a run on an engine without callbacks stops at a helper that calls back.
    public static final String NO_CALLBACKS = "helper callbacks (bpf_loop) are not supported by this engine";

    /// Installs the engine's way of running callbacks for this run.
    public void setCallbacks(Callbacks callbacks) {
        this.callbacks = callbacks;
    }

    /// Runs the program's function at `address` with `args` (see [Callbacks#call]) and returns
    /// its r0. Requests the callback's own helper calls made are cleared, so they do not leak
    /// into the calling helper's outcome. An engine without callbacks stops the program with
    /// UNSUPPORTED.
    public long callFunction(long address, long... args) {
        if (callbacks == null) throw new HelperException(ErrorKind.UNSUPPORTED, NO_CALLBACKS);
        long r0 = callbacks.call(address, args);
        resetRequests();
        return r0;
    }

    public void resetRequests() {
        stopKind = null;
        stopMessage = null;
        tailCallProgram = -1;
        clobber = null;
    }

    /// Ask the engine to stop the program with r0 = the helper's return value.
    public void requestStop(ErrorKind kind, String message) {
        stopKind = kind;
        stopMessage = message;
    }

    public ErrorKind stopKind() {
        return stopKind;
    }

    public String stopMessage() {
        return stopMessage;
    }

    /// Ask the engine to replace the current frame with program number `program`.
    public void requestTailCall(int program) {
        tailCallProgram = program;
    }

    public int tailCallProgram() {
        return tailCallProgram;
    }

    /// Ask the engine to leave these values in r1–r5 after the call.
    public void clobberArguments(long r1, long r2, long r3, long r4, long r5) {
        clobber = new long[]{r1, r2, r3, r4, r5};
    }

    /// The requested r1–r5, or null.
    public long[] clobber() {
        return clobber;
    }
}
