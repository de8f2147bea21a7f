package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.check.IrChecker;
import dev.ebpfc.ir.text.IrParser;
import dev.ebpfc.ir.text.IrPrinter;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// What the lifter makes of particular constructs: the shape of 32-bit arithmetic and JMP32,
/// SSA parameters at merges and loops, context-field pointers and provenance through a loop,
/// call arguments (helper arity, callee live-in, undefined after calls), `lddw` forms, the
/// separate entry block, refused pointer arithmetic, and the errors for invalid programs.
class LiftShapesTest {
    private static Module lift(String asm, ContextKind kind, List<MapDef> maps, HelperProfile profile) throws Exception {
        Module m = Lifter.lift(ProgramDef.of("t", Assembler.assemble(asm)), maps, kind, profile);
        IrChecker.requireWellFormed(m);
        // The printed form parses back to the same text.
        String text = IrPrinter.print(m);
        assertEquals(text, IrPrinter.print(IrParser.parseModule(text)));
        return m;
    }

    private static Module lift(String asm) throws Exception {
        return lift(asm, ContextKind.RAW, List.of(), HelperProfile.CONFORMANCE);
    }

    private static String text(Module m) {
        return IrPrinter.print(m);
    }

    private static void contains(Module m, String... lines) {
        String t = text(m);
        for (String l : lines) assertTrue(t.contains(l), "missing '" + l + "' in\n" + t);
    }

    @Test
    void thirtyTwoBitArithmeticTruncatesComputesAndZeroExtends() throws Exception {
        Module m = lift("mov %r0, %r2\nadd32 %r0, 7\nexit\n");
        contains(m, "function @t(v0: ptr, v1: i64)", "trunc.i32 v1", "const.i32 7", "add.i32", "zext32.i64", "ret");
    }

    @Test
    void jmp32ComparesSixtyFourBitValuesAtWidth32() throws Exception {
        Module m = lift("mov %r0, 0\njlt32 %r2, 5, +1\nmov %r0, 1\nexit\n");
        contains(m, "br.jlt.i32 v1, ", "(v");
        // r0 merges at the exit: one block parameter.
        Block exit = m.entry().blocks().getLast();
        assertEquals(1, exit.params().size(), text(m));
    }

    @Test
    void contextDataFieldsArePacketPointersAndKeepProvenanceThroughALoop() throws Exception {
        String asm = """
                ldxw %r2, [%r1+0]
                ldxw %r3, [%r1+4]
                mov %r0, 0
                loop:
                mov %r4, %r2
                add %r4, 1
                jgt %r4, %r3, done
                ldxb %r5, [%r2+0]
                add %r0, %r5
                add %r2, 1
                ja loop
                done:
                exit
                """;
        Module m = lift(asm, ContextKind.XDP, List.of(), HelperProfile.LINUX);
        contains(m, "function @t(v0: ptr.ctx)", "load.u32.ptr.packet v0+0", "load.u32.ptr.packet_end v0+4");
        Function f = m.entry();
        boolean packetParam = f.blocks().stream().flatMap(b -> b.params().stream()).anyMatch(p -> p.type() == Type.PTR_PACKET);
        assertTrue(packetParam, "the loop's r2 stays ptr.packet:\n" + text(m));
        // Separate entry block: the loop header is not the first instruction, but r2's
        // parameter must be in the header.
        assertTrue(text(m).contains("add.ptr.packet"), text(m));
    }

    @Test
    void stackAccessesAreFramePointerPlusOffset() throws Exception {
        Module m = lift("stdw [%r10-8], 5\nldxdw %r0, [%r10-8]\nexit\n");
        contains(m, "v0 = frame_pointer", "store.u64 v0-8", "load.u64 v0-8");
    }

    @Test
    void helperCallsPassTheirArgumentsOnly() throws Exception {
        // sqrti reads r1 only, though r2 is set.
        Module m = lift("mov %r1, 16\ncall 3\nexit\n");
        contains(m, "call_helper 3(v");
        Inst call = find(m.entry(), Instruction.CallHelper.class);
        assertEquals(1, ((Instruction.CallHelper) call.op()).args().size(), text(m));
        MapDef map = MapDef.map("m", MapType.ARRAY, 4, 8, 1, 0);
        Module l = lift("lddw %r1, map_idx 0\nmov %r2, %r10\nadd %r2, -4\nstw [%r2+0], 0\ncall 1\nexit\n",
                ContextKind.XDP, List.of(map), HelperProfile.LINUX);
        contains(l, "map_ref map0", "call_helper 1(v", "add.ptr.stack");
        assertEquals(2, ((Instruction.CallHelper) find(l.entry(), Instruction.CallHelper.class).op()).args().size());
    }

    @Test
    void argumentRegistersAreUndefinedAfterACall() throws Exception {
        LiftException e = assertThrows(LiftException.class, () -> lift("mov %r1, 16\ncall 3\nmov %r0, %r1\nexit\n"));
        assertEquals("slot 2: reads r1, which is not set on every path here (mov %r0, %r1)", e.getMessage());
        assertEquals(LiftException.Kind.INVALID, e.kind);
    }

    @Test
    void readsOfRegistersNotSetOnEveryPathAreRefused() throws Exception {
        LiftException e = assertThrows(LiftException.class, () -> lift("jeq %r2, 0, +1\nmov %r3, 1\nmov %r0, %r3\nexit\n"));
        assertEquals("slot 2: reads r3, which is not set on every path here (mov %r0, %r3)", e.getMessage());
        assertThrows(LiftException.class, () -> lift("mov %r0, 0\nja +1\nexit\nmov %r10, 1\nexit\n"));
        LiftException out = assertThrows(LiftException.class, () -> lift("call local f\njeq %r0, 0, inside\nexit\nf:\nmov %r0, 0\ninside:\nexit\n"));
        assertTrue(out.getMessage().contains("jump out of its function"), out.getMessage());
        LiftException off = assertThrows(LiftException.class, () -> lift("mov %r0, 0\n"));
        assertTrue(off.getMessage().contains("falls off the end"), off.getMessage());
    }

    @Test
    void localCallsPassTheCalleesLiveInRegisters() throws Exception {
        String asm = """
                mov %r2, 5
                call local f
                exit
                f:
                mov %r0, %r2
                exit
                """;
        Module m = lift(asm);
        // The callee reads r2 only; r1 is a parameter it never reads, and the caller (whose r1 is
        // not a parameter, as it does not read it) passes 0.
        contains(m, "function @fn_3(v0: i64, v1: i64)", "v2 = const.i64 0", "call @fn_3(v2, v1)", "ret v1");
        String calleeOnlyR3 = """
                call local f
                exit
                f:
                mov %r0, %r3
                exit
                """;
        LiftException e = assertThrows(LiftException.class, () -> lift(calleeOnlyR3));
        assertTrue(e.getMessage().contains("r3 is an argument of the called function"), e.getMessage());
    }

    @Test
    void loopToTheFirstInstructionGetsASeparateEntryBlock() throws Exception {
        Module m = lift("loop:\nsub %r2, 1\njne %r2, 0, loop\nmov %r0, %r2\nexit\n");
        Block entry = m.entry().entry();
        assertTrue(entry.predecessors().isEmpty(), text(m));
        assertTrue(entry.instructions().getLast().op() instanceof Instruction.Jump, text(m));
        // r2 is a parameter of the loop header.
        assertEquals(1, entry.successors().getFirst().params().size(), text(m));
    }

    @Test
    void lddwFormsBecomeMapAndFunctionAddresses() throws Exception {
        MapDef rodata = MapDef.globalData(".rodata", new byte[16], true);
        MapDef map = MapDef.map("m", MapType.HASH, 4, 8, 4, 0);
        String asm = """
                lddw %r1, map_idx 1
                lddw %r2, map_idx_value 0, 8
                lddw %r3, func 3
                ldxdw %r0, [%r2+0]
                exit
                f:
                mov %r0, 0
                exit
                """;
        Module m = lift(asm, ContextKind.RAW, List.of(rodata, map), HelperProfile.CONFORMANCE);
        contains(m, "map_ref map1", "global_value map0+8", "func_addr @fn_");
        assertThrows(LiftException.class, () -> lift("lddw %r1, map_idx 3\nmov %r0, 0\nexit\n"));
    }

    @Test
    void pointerArithmeticTheTypeRulesRefuseBecomesIntegerArithmetic() throws Exception {
        Module m = lift("mov %r0, %r10\nadd %r0, %r1\nexit\n");
        contains(m, "v1 = frame_pointer", "xor.i64 v1, ", "xor.i64 v0, ", "add.i64");
    }

    private static Inst find(Function f, Class<? extends Instruction> kind) {
        for (Block b : f.blocks()) for (Inst i : b.instructions()) if (kind.isInstance(i.op())) return i;
        throw new AssertionError("no " + kind.getSimpleName() + " in\n" + f);
    }
}
