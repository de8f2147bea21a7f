package dev.ebpfc.cli;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.runtime.maps.BpfMap;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/// bench/programs/host/host_maps.c (the map helpers of the clang reference builds) against the
/// runtime's maps, operation by operation: seeded random lookups, updates with every flag (and an
/// invalid one) and writes through looked-up values, on a tiny map of each type the bench
/// programs use, so that full maps, LRU eviction and out-of-range array keys all happen. Every
/// lookup must find the same value bytes (or nothing) and every update return the same code.
class HostMapsTest {
    private static final Linker LINKER = Linker.nativeLinker();

    @TempDir
    Path tmp;

    @Test
    void hostMapsBehaveLikeTheRuntimesMaps() throws Throwable {
        Path root = CliRunner.root().toAbsolutePath();
        Path so = tmp.resolve("host_maps.so");
        Process p = new ProcessBuilder("clang-19", "-O2", "-fPIC", "-shared", "-Wall", "-Werror",
                root.resolve("bench/programs/host/host_maps.c").toString(), "-o", so.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) fail("building host_maps.c with clang-19 failed (./check installs clang-19): " + out);
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup lib = SymbolLookup.libraryLookup(so, arena);
            MethodHandle reset = LINKER.downcallHandle(lib.find("ebpfc_bench_reset").orElseThrow(), FunctionDescriptor.ofVoid());
            MethodHandle describe = LINKER.downcallHandle(lib.find("ebpfc_bench_map").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
            MethodHandle lookup = LINKER.downcallHandle(lib.find("bpf_map_lookup_elem").orElseThrow(),
                    FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
            MethodHandle update = LINKER.downcallHandle(lib.find("bpf_map_update_elem").orElseThrow(),
                    FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
            List<String> mismatches = new ArrayList<>();
            for (MapType type : List.of(MapType.HASH, MapType.LRU_HASH, MapType.ARRAY, MapType.PERCPU_ARRAY)) {
                MapDef def = MapDef.map("m", type, 4, 12, 3, 0);
                BpfMap reference = new MapSet(List.of(def)).get(0);
                reset.invokeExact();
                MemorySegment handle = arena.allocate(8);
                assertEquals(0, (int) describe.invokeExact(handle, type.id, 4, 12, 3));
                MemorySegment key = arena.allocate(4), value = arena.allocate(12);
                Random random = new Random(type.id);
                for (int step = 0; step < 400; step++) {
                    int k = random.nextInt(6);
                    key.set(JAVA_INT, 0, k);
                    byte[] keyBytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(k).array();
                    String at = type + " step " + step + " key " + k + ": ";
                    switch (random.nextInt(3)) {
                        case 0, 1 -> {
                            long found = reference.lookup(keyBytes);
                            MemorySegment c = (MemorySegment) lookup.invokeExact(handle, key);
                            byte[] want = found == 0 ? null : slot(reference, found, 12);
                            byte[] got = c.address() == 0 ? null : c.reinterpret(12).toArray(JAVA_BYTE);
                            if (!Arrays.equals(want, got)) mismatches.add(at + "lookup found " + Arrays.toString(got) + ", runtime " + Arrays.toString(want));
                            if (found != 0 && c.address() != 0 && random.nextBoolean()) {
                                // A program writing through the pointer it got.
                                byte b = (byte) random.nextInt();
                                reference.region().data[(int) (found - reference.region().base)] = b;
                                c.reinterpret(12).set(JAVA_BYTE, 0, b);
                            }
                        }
                        default -> {
                            long flags = random.nextInt(4); // BPF_ANY, NOEXIST, EXIST, and 3 (invalid)
                            byte[] v = new byte[12];
                            random.nextBytes(v);
                            MemorySegment.copy(v, 0, value, JAVA_BYTE, 0, 12);
                            long want = reference.update(keyBytes, v, flags);
                            long got = (long) update.invokeExact(handle, key, value, flags);
                            if (want != got) mismatches.add(at + "update flags " + flags + " returned " + got + ", runtime " + want);
                        }
                    }
                }
            }
            assertEquals(List.of(), mismatches);
        }
    }

    /// The value bytes of the runtime's map at layout address `address`.
    private static byte[] slot(BpfMap map, long address, int size) {
        int off = (int) (address - map.region().base);
        return Arrays.copyOfRange(map.region().data, off, off + size);
    }
}
