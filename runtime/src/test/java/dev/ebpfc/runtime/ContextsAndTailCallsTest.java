package dev.ebpfc.runtime;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.ProgramContext;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.runtime.maps.MapSet;
import dev.ebpfc.runtime.memory.MemoryLayout;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Raw memory, XDP and `__sk_buff` contexts; legacy packet loads; tail calls.
class ContextsAndTailCallsTest {
    static final byte[] PACKET = new byte[60];

    static {
        for (int i = 0; i < PACKET.length; i++) PACKET[i] = (byte) i;
        PACKET[12] = 0x08;
        PACKET[13] = 0x00;
    }

    static ExecutionResult run(Asm a, String section, RunInput in) {
        return new Interpreter(a.def(section), RuntimeOptions.linux()).run(MapSet.empty(), in);
    }

    @Test
    void rawContextPassesPointerAndLength() {
        ExecutionResult r = new Asm().movr(0, 2).exit().run(new byte[13]);
        assertEquals(13, r.r0());
        assertEquals(MemoryLayout.MEM_BASE, new Asm().movr(0, 1).exit().run(new byte[1]).r0());
    }

    @Test
    void xdpDataPointersAreRewrittenTo64Bit() {
        // r0 = data_end - data, via 32-bit ctx loads.
        Asm a = new Asm().ldx(Size.W, 2, 1, ProgramContext.XDP_DATA).ldx(Size.W, 3, 1, ProgramContext.XDP_DATA_END)
                .movr(0, 3).alu64r(AluOp.SUB, 0, 2).exit();
        ExecutionResult r = run(a, "xdp", RunInput.of(PACKET));
        assertEquals(60, r.r0());
        ExecutionResult p = run(new Asm().ldx(Size.W, 0, 1, ProgramContext.XDP_DATA).exit(), "xdp", RunInput.of(PACKET));
        assertEquals(MemoryLayout.PACKET_BASE + MemoryLayout.PACKET_HEADROOM, p.r0());
        assertEquals(7, run(new Asm().ldx(Size.W, 0, 1, ProgramContext.XDP_INGRESS_IFINDEX).exit(), "xdp", RunInput.of(PACKET).withIngressIfindex(7)).r0());
    }

    @Test
    void xdpProgramReadsAndWritesThePacketWithBoundsCheck() {
        // Swap the first two bytes if the packet has 14 bytes; return XDP_TX (3).
        Asm a = new Asm().ldx(Size.W, 2, 1, 0).ldx(Size.W, 3, 1, 4).movr(4, 2).alu64(AluOp.ADD, 4, 14)
                .jmpr(Cond.JGT, 4, 3, 6)
                .ldx(Size.B, 5, 2, 0).ldx(Size.B, 6, 2, 1).stx(Size.B, 2, 0, 6).stx(Size.B, 2, 1, 5)
                .mov(0, 3).exit()
                .mov(0, 1).exit();
        ExecutionResult r = run(a, "xdp", RunInput.of(PACKET));
        assertEquals(3, r.r0());
        byte[] out = r.region("packet").bytes();
        assertEquals(1, out[0]);
        assertEquals(0, out[1]);
        assertEquals(1, run(a, "xdp", RunInput.of(new byte[10])).r0());
    }

    @Test
    void xdpContextIsReadOnlyAndPacketEndIsEnforced() {
        ExecutionResult w = run(new Asm().st(Size.W, 1, 12, 1).mov(0, 0).exit(), "xdp", RunInput.of(PACKET));
        assertEquals(ErrorKind.OUT_OF_BOUNDS, w.error());
        assertTrue(w.message().contains("field not writable in context"), w.message());
        ExecutionResult past = run(new Asm().ldx(Size.W, 3, 1, 4).ldx(Size.B, 0, 3, 0).exit(), "xdp", RunInput.of(PACKET));
        assertEquals(ErrorKind.OUT_OF_BOUNDS, past.error());
        // The headroom is not readable until adjust_head moves data into it.
        ExecutionResult head = run(new Asm().ldx(Size.W, 3, 1, 0).ldx(Size.B, 0, 3, -1).exit(), "xdp", RunInput.of(PACKET));
        assertEquals(ErrorKind.OUT_OF_BOUNDS, head.error());
    }

    @Test
    void xdpAdjustHeadFromAProgram() {
        Asm a = new Asm().movr(6, 1).mov(2, -4).call(44).ldx(Size.W, 2, 6, 0).st(Size.W, 2, 0, 0x04030201)
                .ldx(Size.W, 3, 6, 4).movr(0, 3).alu64r(AluOp.SUB, 0, 2).exit();
        ExecutionResult r = run(a, "xdp", RunInput.of(PACKET));
        assertEquals(ErrorKind.NONE, r.error(), r.message());
        assertEquals(64, r.r0());
        assertArrayEquals(new byte[]{1, 2, 3, 4, 0, 1}, java.util.Arrays.copyOf(r.region("packet").bytes(), 6));
    }

    @Test
    void skbFieldsAndPointers() {
        Asm a = new Asm().ldx(Size.W, 2, 1, ProgramContext.SKB_DATA).ldx(Size.W, 3, 1, ProgramContext.SKB_DATA_END)
                .movr(0, 3).alu64r(AluOp.SUB, 0, 2).ldx(Size.W, 4, 1, ProgramContext.SKB_LEN).alu64r(AluOp.SUB, 0, 4)
                .ldx(Size.W, 5, 1, ProgramContext.SKB_PROTOCOL).alu64r(AluOp.ADD, 0, 5).exit();
        // (end - data) - len + protocol(0x0008 = htons(ETH_P_IP)).
        assertEquals(8, run(a, "tc", RunInput.of(PACKET)).r0());
        assertEquals(9, run(new Asm().ldx(Size.W, 0, 1, ProgramContext.SKB_MARK).exit(), "socket", RunInput.of(PACKET).withMark(9)).r0());
    }

    @Test
    void skbWritePermissionsFollowTheProgramType() {
        Asm markWrite = new Asm().st(Size.W, 1, ProgramContext.SKB_MARK, 5).mov(0, 0).exit();
        ExecutionResult tc = run(markWrite, "tc", RunInput.of(PACKET));
        assertEquals(ErrorKind.NONE, tc.error(), tc.message());
        assertEquals(5, tc.region("context").bytes()[ProgramContext.SKB_MARK]);
        assertEquals(ErrorKind.OUT_OF_BOUNDS, run(markWrite, "socket", RunInput.of(PACKET)).error());
        Asm cbWrite = new Asm().st(Size.W, 1, ProgramContext.SKB_CB + 16, 5).mov(0, 0).exit();
        assertEquals(ErrorKind.NONE, run(cbWrite, "socket", RunInput.of(PACKET)).error());
        assertEquals(ErrorKind.OUT_OF_BOUNDS, run(new Asm().st(Size.W, 1, ProgramContext.SKB_LEN, 5).mov(0, 0).exit(), "tc", RunInput.of(PACKET)).error());
    }

    @Test
    void legacyPacketLoadsAreNetworkOrder() {
        assertEquals(0x0c0d, run(new Asm().movr(6, 1).ldabs(Size.H, 12).exit(), "socket", RunInput.of(new byte[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13})).r0());
        assertEquals(0x0a0b0c0dL, run(new Asm().movr(6, 1).mov(7, 8).ldind(Size.W, 7, 2).exit(), "socket", RunInput.of(new byte[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13})).r0());
        assertEquals(7, run(new Asm().movr(6, 1).ldabs(Size.B, 7).exit(), "socket", RunInput.of(PACKET)).r0());
    }

    @Test
    void legacyPacketLoadOutOfBoundsReturnsZero() {
        ExecutionResult r = run(new Asm().movr(6, 1).mov(0, 5).ldabs(Size.W, 58).mov(0, 9).exit(), "socket", RunInput.of(PACKET));
        assertEquals(0, r.r0());
        assertEquals(ErrorKind.NONE, r.error());
        assertEquals(2, r.slot());
        ExecutionResult neg = run(new Asm().movr(6, 1).mov(7, -100).ldind(Size.B, 7, 0).mov(0, 9).exit(), "socket", RunInput.of(PACKET));
        assertEquals(0, neg.r0());
    }

    static Asm tailCaller(int index) {
        return new Asm().movr(6, 1).lddw(2, LddwSource.MAP_IDX, 0, 0).mov(3, index).call(12).mov(0, 100).exit();
    }

    @Test
    void tailCallReplacesTheProgram() {
        ProgramDef main = tailCaller(1).def("xdp");
        ProgramDef target = new Asm().mov(0, 42).exit().def("xdp");
        MapSet maps = new MapSet(List.of(MapDef.map("jmp", MapType.PROG_ARRAY, 4, 4, 4, 0)));
        maps.put("jmp", MapsTest.u32(1), MapsTest.u32(1));
        Interpreter in = new Interpreter(List.of(main, target), RuntimeOptions.linux());
        ExecutionResult r = in.run(maps, RunInput.of(PACKET));
        assertEquals(42, r.r0());
        assertEquals(0, r.trace().get(0).result());
        // Empty slot: the call fails and the program goes on.
        ExecutionResult miss = new Interpreter(List.of(tailCaller(2).def("xdp"), target), RuntimeOptions.linux()).run(maps, RunInput.of(PACKET));
        assertEquals(100, miss.r0());
        assertEquals(-2, miss.trace().get(0).result());
    }

    @Test
    void tailCallsStopAfter33() {
        // The program tail-calls itself, counting in a global.
        MapSet maps = new MapSet(List.of(MapDef.map("jmp", MapType.PROG_ARRAY, 4, 4, 1, 0), MapDef.globalData(".bss", new byte[8], false)));
        maps.put("jmp", MapsTest.u32(0), MapsTest.u32(0));
        Asm self = new Asm().movr(6, 1).lddw(7, LddwSource.MAP_IDX_VALUE, 1, 0).ldx(Size.DW, 8, 7, 0).alu64(AluOp.ADD, 8, 1).stx(Size.DW, 7, 0, 8)
                .movr(1, 6).lddw(2, LddwSource.MAP_IDX, 0, 0).mov(3, 0).call(12).movr(0, 8).exit();
        ExecutionResult r = new Interpreter(self.def("xdp"), RuntimeOptions.linux()).run(maps, RunInput.of(PACKET));
        assertEquals(ErrorKind.NONE, r.error(), r.message());
        assertEquals(34, r.r0());
        assertEquals(34, r.trace().size());
    }
}
