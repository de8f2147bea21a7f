package dev.ebpfc.cli;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.backend.nativeexec.HostMemory;
import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.context.ProgramContext;
import dev.ebpfc.runtime.helpers.HelperProfile;
import dev.ebpfc.runtime.maps.ArrayMap;
import dev.ebpfc.runtime.memory.MemoryLayout;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// ebpfc's x86_64 code for a bench program called bare, the way [ClangHostProgram] calls clang's
/// build: linked once, then per run the packet copied in and one downcall
/// `prog(ctx, packet length, r10_top)` (docs/native-abi.md; r2 as the runtime sets it for XDP),
/// with no engine around it. This is the figure to hold against clang's time for code quality;
/// [NativeEngine] adds its per-run environment, region copies and helper upcalls on top.
///
/// Only for code that calls nothing out: a program whose pool names a helper or a runtime entry
/// other than the error report needs NativeEngine's trampolines, and [#load] returns null for it. The context is a native
/// `struct xdp_md` below 2 GiB whose 32-bit `data`/`data_end` hold the packet's real addresses;
/// global data and array map values get native copies (their initial bytes); frames are one
/// block with NativeEngine's stride.
final class BareNativeProgram implements AutoCloseable {
    private static final MethodHandle CALL = Linker.nativeLinker().downcallHandle(
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));

    /// x86_64 `xor eax, eax; ret`.
    private static final byte[] RETURN_ZERO = {0x31, (byte) 0xc0, (byte) 0xc3};

    private final List<MemorySegment> mappings = new ArrayList<>();
    private final byte[] packetBytes;
    private MemorySegment code, packet, context, stack;

    private BareNativeProgram(byte[] packetBytes) {
        this.packetBytes = packetBytes.clone();
    }

    /// The program's code at `level`, loaded; null when it calls out (helpers, runtime entries).
    static BareNativeProgram load(ProgramDef def, List<MapDef> maps, CompileOptions.Level level, byte[] packetBytes) {
        CompiledProgram compiled = new X86Target().compile(def, new CompileOptions(level, NativeEngine.FRAME_STRIDE).withListing(false)
                .withEnvironment(new ProgramEnvironment(HelperProfile.LINUX, null, maps)));
        for (PoolEntry e : compiled.pool()) {
            if (e instanceof PoolEntry.Helper || e instanceof PoolEntry.Runtime r && r.entry() != RuntimeEntry.ERROR) return null;
        }
        BareNativeProgram p = new BareNativeProgram(packetBytes);
        try {
            p.link(compiled, maps);
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void link(CompiledProgram compiled, List<MapDef> maps) {
        Map<Integer, MemorySegment> values = new HashMap<>();
        for (PoolEntry e : compiled.pool()) {
            if (e instanceof PoolEntry.MapValue v && !values.containsKey(v.map())) {
                MapDef m = maps.get(v.map());
                long stride = ArrayMap.valueStride(m.valueSize(), m.globalData());
                MemorySegment s = keep(HostMemory.map(stride * m.maxEntries(), HostMemory.PROT_READ | HostMemory.PROT_WRITE, true));
                byte[] initial = m.initialValue();
                if (initial != null) MemorySegment.copy(initial, 0, s, JAVA_BYTE, 0, initial.length);
                values.put(v.map(), s);
            }
        }
        // A runtime error (which a clean run never reaches) returns 0 and the code leaves
        // through its unwind path; the r0 check against the interpreter would show it.
        MemorySegment errorStub = keep(HostMemory.loadCode(RETURN_ZERO));
        code = keep(HostMemory.loadCode(compiled.link(e -> switch (e) {
            case PoolEntry.MapValue v -> values.get(v.map()).address() + v.offset();
            case PoolEntry.MapHandle h -> MemoryLayout.mapHandle(h.map());
            case PoolEntry.CodeAddress a -> MemoryLayout.codeAddress(a.slot());
            case PoolEntry.Helper h -> throw new IllegalStateException("helper in a bare program");
            case PoolEntry.Runtime r -> errorStub.address();
        })).asSlice(compiled.entryOffset()));
        packet = keep(HostMemory.map(Math.max(1, packetBytes.length), HostMemory.PROT_READ | HostMemory.PROT_WRITE, true));
        context = keep(HostMemory.map(ProgramContext.XDP_MD_SIZE, HostMemory.PROT_READ | HostMemory.PROT_WRITE, true));
        context.set(JAVA_INT_UNALIGNED, ProgramContext.XDP_DATA, (int) packet.address());
        context.set(JAVA_INT_UNALIGNED, ProgramContext.XDP_DATA_END, (int) (packet.address() + packetBytes.length));
        stack = keep(HostMemory.map((long) MemoryLayout.MAX_FRAMES * NativeEngine.FRAME_STRIDE, HostMemory.PROT_READ | HostMemory.PROT_WRITE, false));
    }

    private MemorySegment keep(MemorySegment m) {
        mappings.add(m);
        return m;
    }

    /// One run: the packet copied in, then the code; its r0.
    long run() {
        MemorySegment.copy(packetBytes, 0, packet, JAVA_BYTE, 0, packetBytes.length);
        try {
            return (long) CALL.invokeExact(code, context.address(), (long) packetBytes.length, stack.address() + NativeEngine.FRAME_STRIDE);
        } catch (Throwable t) {
            throw new IllegalStateException("calling ebpfc's code failed", t);
        }
    }

    @Override
    public void close() {
        for (MemorySegment m : mappings) HostMemory.unmap(m);
        mappings.clear();
    }
}
