package dev.ebpfc.ir;

import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.check.CheckError;
import dev.ebpfc.ir.check.IrChecker;
import dev.ebpfc.ir.random.RandomIrGenerator;
import dev.ebpfc.ir.text.IrParser;
import dev.ebpfc.ir.text.ParseException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// The mutation API passes rely on: use lists and block callers stay exact through replacing,
/// removing and inserting instructions, parameters and blocks; the builder types results.
class MutationTest {

    private static Function parse(String text) throws ParseException {
        return IrParser.parseFunction(text);
    }

    @Test
    void replaceAllUsesRewritesEveryUserAndMovesTheUseList() throws ParseException {
        Function f = parse("""
                function @f(v0: i64) {
                block0(v0: i64):
                    v1 = const.i64 2
                    v2 = add.i64 v0, v1
                    v3 = mul.i64 v2, v2
                    br.jeq.i64 v2, v3, block1(v2), block1(v3)
                block1(v4: i64):
                    ret v4
                }
                """);
        Block b0 = f.entry();
        Value v0 = f.params().getFirst(), v2 = b0.instructions().get(1).result();
        assertEquals(4, v2.users().size());
        v2.replaceAllUsesWith(v0);
        assertFalse(v2.hasUses());
        assertEquals(5, v0.users().size());
        assertEquals("v3 = mul.i64 v0, v0", b0.instructions().get(2).toString());
        assertEquals("br.jeq.i64 v0, v3, block1(v0), block1(v3)", b0.instructions().get(3).toString());
        b0.instructions().get(1).remove();
        assertTrue(IrChecker.check(f).isEmpty(), IrChecker.format(IrChecker.check(f)));
    }

    @Test
    void removingAParameterRemovesTheMatchingArgumentOnEveryEdge() throws ParseException {
        Function f = parse("""
                function @f(v0: i64) {
                block0(v0: i64):
                    br.jeq.i64 v0, v0, block1(v0, v0), block2
                block2:
                    v1 = const.i64 1
                    jump block1(v1, v0)
                block1(v2: i64, v3: i64):
                    ret v3
                }
                """);
        Block b1 = f.blocks().get(2);
        assertEquals(List.of(f.entry(), f.blocks().get(1)), b1.predecessors());
        b1.removeParam(0);
        assertEquals("""
                function @f(v0: i64) {
                block0(v0: i64):
                    br.jeq.i64 v0, v0, block1(v0), block2
                block2:
                    v1 = const.i64 1
                    jump block1(v0)
                block1(v3: i64):
                    ret v3
                }
                """, f.toString());
        assertFalse(f.blocks().get(1).instructions().getFirst().result().hasUses());
        assertTrue(IrChecker.check(f).isEmpty());
    }

    @Test
    void retargetingATerminatorUpdatesPredecessors() throws ParseException {
        Function f = parse("""
                function @f(v0: i64) {
                block0(v0: i64):
                    jump block1
                block1:
                    ret v0
                block2:
                    ret v0
                }
                """);
        Block b1 = f.blocks().get(1), b2 = f.blocks().get(2);
        Inst jump = f.entry().terminator();
        jump.setOp(jump.op().mapBlockCalls(c -> c.withTarget(b2)));
        assertEquals(List.of(), b1.predecessors());
        assertEquals(List.of(f.entry()), b2.predecessors());
        assertEquals(List.of(b1), IrChecker.unreachableBlocks(f));
        f.removeBlock(b1);
        assertTrue(IrChecker.check(f).isEmpty());
    }

    @Test
    void checkerReportsValuesFromAnotherFunctionAndRemovedDefinitions() {
        FunctionBuilder g = new FunctionBuilder("g");
        g.switchTo(g.createBlock());
        Value foreign = g.i64(5);
        g.ret(foreign);

        FunctionBuilder fb = new FunctionBuilder("f");
        Block entry = fb.createBlock();
        Value p = fb.param(entry, Type.I64);
        fb.switchTo(entry);
        Value one = fb.i64(1);
        Value sum = fb.add(p, foreign);
        Value twice = fb.add(one, one);
        fb.ret(twice);
        one.definingInst().remove();
        List<CheckError> errors = IrChecker.check(fb.function());
        assertEquals(2, errors.size(), IrChecker.format(errors));
        assertEquals("@f block0 `v2 = add.i64 v0, v0`: uses v0, which is not defined in @f", errors.get(0).toString());
        assertTrue(errors.get(1).toString().contains("uses v1, which is not defined in @f"), errors.get(1).toString());
        assertEquals(sum, fb.function().entry().instructions().getFirst().result());
    }

    @Test
    void builderRejectsIllTypedInstructionsWithTheReason() {
        FunctionBuilder fb = new FunctionBuilder("f");
        fb.switchTo(fb.createBlock());
        Value a = fb.i32(1), b = fb.i64(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fb.add(a, b));
        assertEquals("operands v0: i32 and v1: i64 differ in width", e.getMessage());
        Value fp = fb.framePointer();
        assertEquals(Type.PTR_STACK, fb.add(fp, b).type());
        assertEquals(Type.I64, fb.sub(fp, fp).type());
        assertEquals(Type.I64, fb.zext32(a).type());
        assertEquals(Type.I64, fb.cmp(Cond.JSET, Width.W32, fp, b).type());
        assertThrows(IllegalArgumentException.class, () -> fb.sub(b, fp));
        assertEquals(7, fb.function().entry().instructions().size(), "rejected instructions are not placed");
    }

    @Test
    void positionBeforeInsertsAtTheCursor() {
        FunctionBuilder fb = new FunctionBuilder("f");
        Block entry = fb.createBlock();
        Value p = fb.param(entry, Type.I64);
        fb.switchTo(entry);
        Inst ret = fb.ret(p);
        fb.positionBefore(ret);
        Value c = fb.i64(3);
        Value s = fb.add(p, c);
        ret.setOp(new Instruction.Return(s));
        assertEquals("""
                function @f(v0: i64) {
                block0(v0: i64):
                    v1 = const.i64 3
                    v2 = add.i64 v0, v1
                    ret v2
                }
                """, fb.function().toString());
        assertEquals(List.of(ret), s.users());
        assertFalse(p.users().contains(ret));
    }

    /// Random replace-all-uses and removals keep every use list equal to a fresh count of operands.
    @Test
    void useListsStayExactUnderRandomMutation() {
        for (int seed = 0; seed < 300; seed++) {
            Function f = new RandomIrGenerator(seed).function("f");
            Random rnd = new Random(seed);
            for (int step = 0; step < 30; step++) {
                List<Value> values = allValues(f);
                Value a = values.get(rnd.nextInt(values.size())), b = values.get(rnd.nextInt(values.size()));
                if (rnd.nextBoolean()) {
                    a.replaceAllUsesWith(b);
                } else if (a.definingInst() != null && a.definingInst().block() != null && !a.definingInst().isTerminator()) {
                    a.replaceAllUsesWith(b);
                    if (b != a) a.definingInst().remove();
                }
                assertUseListsExact(f, seed);
            }
        }
    }

    private static List<Value> allValues(Function f) {
        List<Value> out = new ArrayList<>();
        for (Block b : f.blocks()) {
            out.addAll(b.params());
            for (Inst i : b.instructions()) {
                if (i.result() != null) out.add(i.result());
            }
        }
        return out;
    }

    private static void assertUseListsExact(Function f, int seed) {
        Map<Value, Integer> counted = new HashMap<>();
        Map<Block, Integer> edges = new HashMap<>();
        for (Block b : f.blocks()) {
            for (Inst i : b.instructions()) {
                for (Value v : i.op().operands()) counted.merge(v, 1, Integer::sum);
                for (BlockCall c : i.op().blockCalls()) edges.merge(c.target(), 1, Integer::sum);
            }
        }
        for (Value v : allValues(f)) {
            if (v.users().size() != counted.getOrDefault(v, 0)) fail("seed " + seed + ": " + v + " has " + v.users().size() + " users, counted " + counted.getOrDefault(v, 0));
        }
        for (Block b : f.blocks()) {
            int callers = 0;
            for (Inst c : b.distinctCallers()) {
                for (BlockCall bc : c.op().blockCalls()) if (bc.target() == b) callers++;
            }
            assertEquals(edges.getOrDefault(b, 0), callers, "seed " + seed + ": edges into " + b);
        }
    }
}
