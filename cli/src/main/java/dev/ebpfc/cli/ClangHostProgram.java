package dev.ebpfc.cli;

import dev.ebpfc.frontend.object.MapDef;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/// A bench program built by `clang -O2` for the host ([ClangReference#hostLibrary]), loaded with
/// `dlopen` (FFM [SymbolLookup#libraryLookup]) and called as `int prog(struct xdp_md *ctx)` with
/// the host layout of bench.h (`data` and `data_end` as real pointers) over a native copy of the
/// packet. Each run copies the packet in first, as the engines do, so every run sees the same
/// bytes; maps persist across runs, as in the engines' timing loops. Confined to its thread.
final class ClangHostProgram implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();

    private final Arena arena = Arena.ofConfined();
    private final SymbolLookup library;
    private final MethodHandle entry, reset, describe;
    private final List<MapDef> maps;
    private final byte[] packetBytes;
    private final MemorySegment packet, context;

    ClangHostProgram(Path library, String function, List<MapDef> maps, byte[] packetBytes) {
        this.library = SymbolLookup.libraryLookup(library, arena);
        this.entry = LINKER.downcallHandle(symbol(function), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        this.reset = LINKER.downcallHandle(symbol("ebpfc_bench_reset"), FunctionDescriptor.ofVoid());
        this.describe = LINKER.downcallHandle(symbol("ebpfc_bench_map"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        this.maps = maps;
        this.packetBytes = packetBytes.clone();
        this.packet = arena.allocate(Math.max(1, packetBytes.length), 64);
        this.context = arena.allocate(16, 8);
        context.set(ADDRESS, 0, packet);
        context.set(ADDRESS, 8, MemorySegment.ofAddress(packet.address() + packetBytes.length));
        resetMaps();
    }

    private MemorySegment symbol(String name) {
        return library.find(name).orElseThrow(() -> new IllegalStateException("clang build has no symbol " + name));
    }

    /// Empties every map: describes each one (global data sections excepted, which the host
    /// build keeps as ordinary C data) to host_maps.c again.
    void resetMaps() {
        try {
            reset.invokeExact();
            for (MapDef m : maps) {
                if (m.globalData()) continue;
                int rc = (int) describe.invokeExact(symbol(m.name()), m.type().id, m.keySize(), m.valueSize(), m.maxEntries());
                if (rc != 0) throw new IllegalStateException("host_maps.c cannot model map " + m.name() + " (" + m.type() + ")");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("calling the clang build failed", t);
        }
    }

    /// One run: the packet copied in, then the program; its return value.
    int run() {
        MemorySegment.copy(packetBytes, 0, packet, JAVA_BYTE, 0, packetBytes.length);
        try {
            return (int) entry.invokeExact(context);
        } catch (Throwable t) {
            throw new IllegalStateException("calling the clang build failed", t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
