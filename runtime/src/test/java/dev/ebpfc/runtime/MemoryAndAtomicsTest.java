package dev.ebpfc.runtime;

import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.runtime.memory.MemoryLayout;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Loads, stores, the stack, bounds and permission checks, and the atomic operations.
class MemoryAndAtomicsTest {
    @Test
    void loadsFromMemAreLittleEndianAndZeroExtended() {
        byte[] mem = {(byte) 0x81, (byte) 0x82, (byte) 0x83, (byte) 0x84, 5, 6, 7, (byte) 0x88};
        assertEquals(0x81, new Asm().ldx(Size.B, 0, 1, 0).exit().run(mem).r0());
        assertEquals(0x8281, new Asm().ldx(Size.H, 0, 1, 0).exit().run(mem).r0());
        assertEquals(0x84838281L, new Asm().ldx(Size.W, 0, 1, 0).exit().run(mem).r0());
        assertEquals(0x8807060584838281L, new Asm().ldx(Size.DW, 0, 1, 0).exit().run(mem).r0());
    }

    @Test
    void signExtendingLoads() {
        byte[] mem = {(byte) 0x81, (byte) 0x82, (byte) 0x83, (byte) 0x84};
        assertEquals((byte) 0x81, new Asm().ldxs(Size.B, 0, 1, 0).exit().run(mem).r0());
        assertEquals((short) 0x8281, new Asm().ldxs(Size.H, 0, 1, 0).exit().run(mem).r0());
        assertEquals(0x84838281, new Asm().ldxs(Size.W, 0, 1, 0).exit().run(mem).r0());
    }

    @Test
    void storesReachMemAndTheResult() {
        ExecutionResult r = new Asm().st(Size.H, 1, 1, 0x1234).mov(2, -1).stx(Size.B, 1, 3, 2).mov(0, 0).exit().run(new byte[4]);
        assertArrayEquals(new byte[]{0, 0x34, 0x12, (byte) 0xff}, r.region("mem").bytes());
        assertEquals(64, r.digest().length());
    }

    @Test
    void stackIsReadWriteBelowR10() {
        ExecutionResult r = new Asm().lddw(1, 0x1122334455667788L).stx(Size.DW, 10, -8, 1).ldx(Size.W, 0, 10, -4).exit().run();
        assertEquals(0x11223344L, r.r0());
        assertEquals(ErrorKind.NONE, r.error());
    }

    @Test
    void outOfBoundsNamesSlotAddressSizeAndRegion() {
        ExecutionResult r = new Asm().mov(0, 0).ldx(Size.W, 0, 1, 2).exit().run(new byte[4]);
        assertEquals(ErrorKind.OUT_OF_BOUNDS, r.error());
        assertEquals(1, r.slot());
        assertEquals(String.format("slot 1: read of 4 bytes at 0x%x: outside mem [0x%x, 0x%x)",
                MemoryLayout.MEM_BASE + 2, MemoryLayout.MEM_BASE, MemoryLayout.MEM_BASE + 4), r.message());
    }

    @Test
    void nullAndUnmappedAddressesAreNoRegion() {
        ExecutionResult r = new Asm().mov(1, 0).ldx(Size.B, 0, 1, 0).exit().run();
        assertEquals(ErrorKind.OUT_OF_BOUNDS, r.error());
        assertEquals("slot 1: read of 1 bytes at 0x0: no region", r.message());
        ExecutionResult high = new Asm().lddw(1, -8L).st(Size.DW, 1, 0, 1).mov(0, 0).exit().run();
        assertEquals(ErrorKind.OUT_OF_BOUNDS, high.error());
        assertTrue(high.message().contains("write of 8 bytes at 0xfffffffffffffff8: no region"), high.message());
    }

    @Test
    void stackAboveR10IsOutOfBounds() {
        ExecutionResult r = new Asm().ldx(Size.B, 0, 10, 0).exit().run();
        assertEquals(ErrorKind.OUT_OF_BOUNDS, r.error());
        assertTrue(r.message().contains("stack frame 0"), r.message());
        assertEquals(ErrorKind.OUT_OF_BOUNDS, new Asm().ldx(Size.B, 0, 10, -513).exit().run().error());
    }

    @Test
    void rodataIsReadOnly() {
        MapSet maps = new MapSet(List.of(MapDef.globalData(".rodata", new byte[]{7, 0, 0, 0}, true)));
        Asm a = new Asm().lddw(1, LddwSource.MAP_IDX_VALUE, 0, 0).ldx(Size.W, 0, 1, 0);
        assertEquals(7, new Asm().lddw(1, LddwSource.MAP_IDX_VALUE, 0, 0).ldx(Size.W, 0, 1, 0).exit()
                .run(RuntimeOptions.conformance(), maps, RunInput.empty()).r0());
        ExecutionResult r = a.st(Size.W, 1, 0, 1).exit().run(RuntimeOptions.conformance(), maps, RunInput.empty());
        assertEquals(ErrorKind.OUT_OF_BOUNDS, r.error());
        assertTrue(r.message().contains("read-only region .rodata"), r.message());
        assertEquals(3, r.slot());
    }

    @Test
    void globalDataIsWritableAndInTheResult() {
        MapSet maps = new MapSet(List.of(MapDef.globalData(".data", new byte[8], false)));
        ExecutionResult r = new Asm().lddw(1, LddwSource.MAP_IDX_VALUE, 0, 4).st(Size.W, 1, 0, 0x01020304).mov(0, 0).exit()
                .run(RuntimeOptions.conformance(), maps, RunInput.empty());
        assertArrayEquals(new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 4, 3, 2, 1}, r.region("map .data").bytes());
    }

    private static long atomic(Size size, AtomicOp op, boolean fetch, long memValue, long src, long r0, long[] after) {
        byte[] mem = new byte[8];
        for (int i = 0; i < 8; i++) mem[i] = (byte) (memValue >>> (8 * i));
        ExecutionResult r = new Asm().lddw(2, src).lddw(0, r0).atomic(size, op, fetch, 1, 0, 2)
                .stx(Size.DW, 10, -8, 2).ldx(Size.DW, 3, 10, -8).movr(4, 0).ldx(Size.DW, 5, 1, 0)
                .movr(0, 5).exit().run(mem);
        assertEquals(ErrorKind.NONE, r.error(), r.message());
        // Re-run to read src and r0 separately.
        ExecutionResult srcAfter = new Asm().lddw(2, src).lddw(0, r0).atomic(size, op, fetch, 1, 0, 2).movr(0, 2).exit().run(mem.clone());
        ExecutionResult r0After = new Asm().lddw(2, src).lddw(0, r0).atomic(size, op, fetch, 1, 0, 2).exit().run(mem.clone());
        after[0] = srcAfter.r0();
        after[1] = r0After.r0();
        return r.r0();
    }

    @Test
    void atomicsWithAndWithoutFetch() {
        long[] after = new long[2];
        assertEquals(15, atomic(Size.DW, AtomicOp.ADD, false, 10, 5, 0, after));
        assertEquals(5, after[0]);
        assertEquals(15, atomic(Size.DW, AtomicOp.ADD, true, 10, 5, 0, after));
        assertEquals(10, after[0]);
        assertEquals(0xff, atomic(Size.DW, AtomicOp.OR, true, 0xf0, 0x0f, 0, after));
        assertEquals(0xf0, after[0]);
        assertEquals(0x10, atomic(Size.DW, AtomicOp.AND, true, 0xf0, 0x1f, 0, after));
        assertEquals(0xe0, atomic(Size.DW, AtomicOp.XOR, false, 0xf0, 0x10, 0, after));
        assertEquals(99, atomic(Size.DW, AtomicOp.XCHG, true, 7, 99, 0, after));
        assertEquals(7, after[0]);
    }

    @Test
    void atomics32BitTouchFourBytesAndZeroExtendTheFetchedValue() {
        long[] after = new long[2];
        long mem = 0xaaaaaaaa_ffffffffL;
        assertEquals(0xaaaaaaaa_00000000L, atomic(Size.W, AtomicOp.ADD, true, mem, 1, 0, after));
        assertEquals(0xffffffffL, after[0]);
        assertEquals(0xaaaaaaaa_00000005L, atomic(Size.W, AtomicOp.XCHG, true, mem, 5, 0, after));
        assertEquals(0xffffffffL, after[0]);
    }

    @Test
    void cmpxchgComparesWithR0AndAlwaysReturnsOldValue() {
        long[] after = new long[2];
        assertEquals(42, atomic(Size.DW, AtomicOp.CMPXCHG, true, 7, 42, 7, after));
        assertEquals(7, after[1]);
        assertEquals(42, after[0]);
        assertEquals(7, atomic(Size.DW, AtomicOp.CMPXCHG, true, 7, 42, 8, after));
        assertEquals(7, after[1]);
        // 32-bit: compares the low halves, writes 4 bytes, r0 gets the zero-extended old value.
        assertEquals(0x11111111_0000002aL, atomic(Size.W, AtomicOp.CMPXCHG, true, 0x11111111_ffffffffL, 42, -1, after));
        assertEquals(0xffffffffL, after[1]);
    }

    @Test
    void atomicOutOfBoundsStops() {
        ExecutionResult r = new Asm().mov(2, 1).atomic(Size.DW, AtomicOp.ADD, false, 1, 4, 2).mov(0, 0).exit().run(new byte[8]);
        assertEquals(ErrorKind.OUT_OF_BOUNDS, r.error());
        assertEquals(1, r.slot());
    }

    @Test
    void mapHandleOfUnknownMapIsRejected() {
        ExecutionResult r = new Asm().lddw(1, LddwSource.MAP_IDX, 3, 0).mov(0, 0).exit().run();
        assertEquals(ErrorKind.REJECTED, r.error());
        assertTrue(r.message().contains("map 3"), r.message());
    }

    @Test
    void mapHandleIsAFixedValue() {
        MapSet maps = new MapSet(List.of(MapDef.map("a", MapType.ARRAY, 4, 8, 1, 0), MapDef.map("b", MapType.ARRAY, 4, 8, 1, 0)));
        ExecutionResult r = new Asm().lddw(0, LddwSource.MAP_IDX, 1, 0).exit().run(RuntimeOptions.conformance(), maps, RunInput.empty());
        assertEquals(MemoryLayout.mapHandle(1), r.r0());
        ExecutionResult v = new Asm().lddw(0, LddwSource.MAP_VALUE, 1, 4).exit().run(RuntimeOptions.conformance(), maps, RunInput.empty());
        assertEquals(MemoryLayout.mapValuesBase(1) + 4, v.r0());
    }
}
