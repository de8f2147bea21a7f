package dev.ebpfc.runtime;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.ProgramContext;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.helpers.CsumDiff;
import dev.ebpfc.runtime.helpers.HelperEnvironment;
import dev.ebpfc.runtime.helpers.HelperOptions;
import dev.ebpfc.runtime.helpers.HelperProfile;
import dev.ebpfc.runtime.maps.Errno;
import dev.ebpfc.runtime.maps.MapSet;
import dev.ebpfc.runtime.memory.AddressSpace;
import dev.ebpfc.runtime.memory.MemoryLayout;
import dev.ebpfc.runtime.memory.Region;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// One test (at least) per helper of both profiles, called directly against an address space.
class HelpersTest {
    final AddressSpace space = new AddressSpace();
    final Region mem = new Region("mem", MemoryLayout.MEM_BASE, new byte[256], true);
    final MapSet maps = new MapSet(List.of(MapDef.map("h", MapType.HASH, 4, 4, 4, 0), MapDef.map("rb", MapType.RINGBUF, 0, 0, 64, 0),
            MapDef.map("dev", MapType.ARRAY, 4, 4, 4, 0), MapDef.map("perf", MapType.PERF_EVENT_ARRAY.equals(null) ? MapType.ARRAY : MapType.ARRAY, 4, 4, 1, 0)));
    final ProgramContext ctx = new ProgramContext(ContextKind.XDP, RunInput.of(new byte[64]));
    final HelperEnvironment env;
    static final long M = MemoryLayout.MEM_BASE;

    HelpersTest() {
        space.map(mem);
        ctx.mapInto(space);
        for (var m : maps.all()) if (m.region() != null) space.map(m.region());
        env = new HelperEnvironment(space, maps, ctx, HelperOptions.DEFAULT);
    }

    long linux(int id, long... a) {
        long[] r = java.util.Arrays.copyOf(a, 5);
        env.resetRequests();
        return HelperProfile.LINUX.get(id).call(env, r[0], r[1], r[2], r[3], r[4]);
    }

    long conf(int id, long... a) {
        long[] r = java.util.Arrays.copyOf(a, 5);
        env.resetRequests();
        return HelperProfile.CONFORMANCE.get(id).call(env, r[0], r[1], r[2], r[3], r[4]);
    }

    void put(long addr, byte[] b) {
        space.writeBytes(addr, b);
    }

    @Test
    void mapLookupUpdateDelete() {
        put(M, new byte[]{1, 0, 0, 0, 9, 0, 0, 0});
        long h = MemoryLayout.mapHandle(0);
        assertEquals(0, linux(1, h, M));
        assertEquals(0, linux(2, h, M, M + 4, 0));
        assertEquals(MemoryLayout.mapValuesBase(0), linux(1, h, M));
        assertEquals(9, space.read(linux(1, h, M), 4));
        assertEquals(0, linux(3, h, M));
        assertEquals(-Errno.ENOENT, linux(3, h, M));
    }

    @Test
    void probeReadCopiesOrZeroesWithEfault() {
        put(M, "abcd".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, linux(4, M + 16, 4, M));
        assertEquals(0x64636261L, space.read(M + 16, 4));
        assertEquals(-Errno.EFAULT, linux(4, M + 16, 4, 8));
        assertEquals(0, space.read(M + 16, 4));
    }

    @Test
    void ktimeIsADeterministicClock() {
        assertEquals(1_000_000_000L, linux(5));
        assertEquals(1_000_001_000L, linux(5));
    }

    @Test
    void tracePrintkFormatsTheKernelSubset() {
        put(M, "v=%d u=%u x=%llx\n\0".getBytes(StandardCharsets.US_ASCII));
        long n = linux(6, M, 18, -5, -1, 0xabcdef0123L);
        assertEquals("v=-5 u=4294967295 x=abcdef0123\n", env.printkOutput());
        assertEquals(env.printkOutput().length(), n);
        put(M + 64, "s=%s c=%c p=%p %5d|%-3x|%05u%%\0".getBytes(StandardCharsets.US_ASCII));
        put(M + 128, "hi\0".getBytes(StandardCharsets.US_ASCII));
        // Only three arguments exist: the fourth conversion is invalid.
        assertEquals(-Errno.EINVAL, linux(6, M + 64, 31, M + 128, 'Z', 0x10));
        put(M + 64, "s=%s c=%c %5d|\0".getBytes(StandardCharsets.US_ASCII));
        assertEquals(15, linux(6, M + 64, 15, M + 128, 'Z', 42));
        assertTrue(env.printkOutput().endsWith("s=hi c=Z    42|"), env.printkOutput());
        put(M + 64, "%-3x|%05u|%p\0".getBytes(StandardCharsets.US_ASCII));
        linux(6, M + 64, 13, 0xa, 7, 0x1234);
        assertTrue(env.printkOutput().endsWith("a  |00007|0x1234"), env.printkOutput());
        // Not NUL-terminated within fmt_size.
        assertEquals(-Errno.EINVAL, linux(6, M + 64, 3));
    }

    @Test
    void prandomIsSeededAndDeterministic() {
        long a = linux(7), b = linux(7);
        HelperEnvironment again = new HelperEnvironment(space, maps, ctx, HelperOptions.DEFAULT);
        assertEquals(a, HelperProfile.LINUX.get(7).call(again, 0, 0, 0, 0, 0));
        assertTrue(a != b && a >= 0 && a <= 0xffffffffL);
        HelperEnvironment other = new HelperEnvironment(space, maps, ctx, HelperOptions.DEFAULT.withSeed(99));
        assertTrue(HelperProfile.LINUX.get(7).call(other, 0, 0, 0, 0, 0) != a);
    }

    @Test
    void processorIdAndPidTgid() {
        assertEquals(0, linux(8));
        assertEquals((4242L << 32) | 4243L, linux(14));
    }

    @Test
    void redirectAndRedirectMap() {
        assertEquals(4, linux(23, 5, 0));
        assertEquals(5, env.redirectTarget);
        assertEquals(0, linux(23, 5, 2));
        long dev = MemoryLayout.mapHandle(2);
        assertEquals(4, linux(51, dev, 1, 0));
        assertEquals(2, linux(51, dev, 9, 2));
    }

    @Test
    void perfEventOutputIsCaptured() {
        put(M, new byte[]{1, 2, 3});
        assertEquals(0, linux(25, MemoryLayout.CONTEXT_BASE, MemoryLayout.mapHandle(3), 0xffffffffL, M, 3));
        assertArrayEquals(new byte[]{1, 2, 3}, env.perfEvents().get(0));
    }

    @Test
    void skbLoadBytes() {
        space.writeBytes(ctx.data(), new byte[]{10, 11, 12, 13});
        assertEquals(0, linux(26, MemoryLayout.CONTEXT_BASE, 1, M, 3));
        assertArrayEquals(new byte[]{11, 12, 13}, space.readBytes(M, 3));
        assertEquals(-Errno.EFAULT, linux(26, MemoryLayout.CONTEXT_BASE, 62, M, 3));
        assertArrayEquals(new byte[3], space.readBytes(M, 3));
    }

    @Test
    void csumDiffMatchesLinux() {
        // tools/testing/selftests/bpf csum_diff_test: 0xdeadbeefdeadbeef pushed, seed 0, folds to 0x3b3b.
        put(M, new byte[]{(byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde, (byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde});
        long sum = linux(28, 0, 0, M, 8, 0);
        // The selftest compares the 16-bit fold before complementing; csum_fold complements it.
        assertEquals(0x3b3b, ~CsumDiff.fold((int) sum) & 0xffff);
        assertEquals(0xbd5b7ddfL, sum);
        // Diffing identical data gives the seed back (up to ones' complement representation).
        long d = linux(28, M, 8, M, 8, 0);
        assertEquals(0, CsumDiff.fold((int) d), "from == to cancels: all ones, which csum_fold turns into 0");
        assertEquals(-Errno.EINVAL, linux(28, M, 3, M, 8, 0));
        assertEquals(-Errno.EINVAL, linux(28, M, 256, M, 260, 0));
        assertEquals(0x1234, linux(28, 0, 0, 0, 0, 0x1234));
    }

    @Test
    void xdpAdjustHeadMovesDataWithinHeadroom() {
        long data = ctx.data();
        assertEquals(0, linux(44, MemoryLayout.CONTEXT_BASE, -14));
        assertEquals(data - 14, ctx.data());
        assertEquals(data - 14, space.read(MemoryLayout.CONTEXT_BASE + ProgramContext.XDP_DATA, 4));
        assertEquals(-Errno.EINVAL, linux(44, MemoryLayout.CONTEXT_BASE, -1000));
        assertEquals(-Errno.EINVAL, linux(44, MemoryLayout.CONTEXT_BASE, 100));
        assertEquals(0, linux(44, MemoryLayout.CONTEXT_BASE, 14 + 50));
        assertEquals(14, ctx.dataEnd() - ctx.data());
    }

    @Test
    void fibLookupStub() {
        assertEquals(4, linux(69, MemoryLayout.CONTEXT_BASE, M, 64, 0));
        HelperEnvironment ok = new HelperEnvironment(space, maps, ctx, HelperOptions.DEFAULT.withFib(0, 7));
        assertEquals(0, HelperProfile.LINUX.get(69).call(ok, MemoryLayout.CONTEXT_BASE, M, 64, 0, 0));
        assertEquals(7, space.read(M + 8, 4));
        assertArrayEquals(HelperOptions.DEFAULT.fibDmac(), space.readBytes(M + 58, 6));
        assertEquals(-Errno.EINVAL, linux(69, MemoryLayout.CONTEXT_BASE, M, 8, 0));
    }

    @Test
    void ringbufHelpers() {
        long rb = MemoryLayout.mapHandle(1);
        long p = linux(131, rb, 4, 0);
        assertEquals(MemoryLayout.mapValuesBase(1) + 8, p);
        space.write(p, 4, 0x11223344);
        assertEquals(0, linux(132, p, 0));
        long q = linux(131, rb, 4, 0);
        assertEquals(0, linux(133, q, 0));
        put(M, new byte[]{5, 6});
        assertEquals(0, linux(130, rb, M, 2, 0));
        assertEquals(-Errno.EAGAIN, linux(130, rb, M, 60, 0));
        assertEquals(0, linux(131, rb, 4, 1));
        var records = ((dev.ebpfc.runtime.maps.RingBufMap) maps.get(1)).records();
        assertEquals(2, records.size());
        assertArrayEquals(new byte[]{0x44, 0x33, 0x22, 0x11}, records.get(0));
        assertArrayEquals(new byte[]{5, 6}, records.get(1));
    }

    @Test
    void conformanceGatherBytes() {
        assertEquals(0x0102030405L, conf(0, 0x101, 0x202, 3, 4, 0xff05));
    }

    @Test
    void conformanceMemfrob() {
        put(M, new byte[]{0, 42, 1});
        assertEquals(0, conf(1, M, 3));
        assertArrayEquals(new byte[]{42, 0, 43}, space.readBytes(M, 3));
    }

    @Test
    void conformanceTrashRegisters() {
        assertEquals(0, conf(2, 1, 2, 3, 4, 5));
        assertEquals(dev.ebpfc.runtime.helpers.TrashRegisters.GARBAGE | 5, env.clobber()[4]);
    }

    @Test
    void conformanceSqrti() {
        assertEquals(4, conf(3, 16));
        assertEquals(4, conf(3, 24));
        assertEquals(0xffffffffL, conf(3, 0xfffffffe00000001L));
        assertEquals(4294967296L, conf(3, -1L));
    }

    @Test
    void conformanceStrcmp() {
        put(M, "abc\0abd\0abc\0".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, conf(4, M, M + 8));
        assertEquals(-1, conf(4, M, M + 4));
        assertEquals(1, conf(4, M + 4, M + 8));
    }

    @Test
    void conformanceUnwind() {
        assertEquals(7, conf(5, 7));
        assertEquals(null, env.stopKind());
        assertEquals(0, conf(5, 0));
        assertEquals(ErrorKind.UNWIND, env.stopKind());
    }

    @Test
    void helperWithANonMapIsBadCall() {
        ExecutionResult r = new Asm().mov(1, 5).mov(2, 0).call(1).exit()
                .run(RuntimeOptions.linux().withContext(ContextKind.RAW), MapSet.empty(), RunInput.empty());
        assertEquals(ErrorKind.BAD_CALL, r.error());
        assertEquals("slot 2: map_lookup_elem: 0x5 is not a map", r.message());
    }

    @Test
    void helperReadingOutOfBoundsStopsTheProgram() {
        MapSet ms = new MapSet(List.of(MapDef.map("h", MapType.HASH, 4, 4, 4, 0)));
        ExecutionResult r = new Asm().lddw(1, LddwSource.MAP_IDX, 0, 0).movr(2, 10).call(1).exit()
                .run(RuntimeOptions.linux().withContext(ContextKind.RAW), ms, RunInput.empty());
        assertEquals(ErrorKind.OUT_OF_BOUNDS, r.error());
        assertTrue(r.message().startsWith("slot 3: read of 4 bytes at"), r.message());
    }

    @Test
    void printkAndPerfEventsReachTheResult() {
        ExecutionResult r = new Asm().st(Size.DW, 10, -8, 0x216968).movr(1, 10).alu64(AluOp.ADD, 1, -8).mov(2, 4).call(6).mov(0, 0).exit()
                .run(RuntimeOptions.linux().withContext(ContextKind.RAW), MapSet.empty(), RunInput.empty());
        assertEquals("hi!", r.printk());
    }
}
