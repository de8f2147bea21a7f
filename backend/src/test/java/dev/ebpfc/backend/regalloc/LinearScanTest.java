package dev.ebpfc.backend.regalloc;

import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Operand;
import dev.ebpfc.backend.mir.Reg;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The allocator on hand-built machine functions of a toy ISA, checked by running each function
/// twice: once over virtual registers, once over the allocated locations (a call clobbers the
/// caller-saved registers with garbage, the edge copies are the allocator's sequentialized moves).
/// Toy machine: caller-saved p0, p1 (p0/p1 are also the call argument and p0 the return register),
/// callee-saved p2, p3, scratch p7.
class LinearScanTest {
    static final RegisterSet REGS = new RegisterSet(List.of(0, 1), List.of(2, 3), List.of(7));
    static final long GARBAGE = 0xdeadbeefcafeL;
    static final long SENTINEL = 0x5e5e5e5eL;

    sealed interface Op {}
    record Li(long imm) implements Op {}
    record Add() implements Op {}
    record Lt() implements Op {}
    record Mov() implements Op {}
    record Call() implements Op {}
    record Br() implements Op {}
    record Jmp() implements Op {}
    record Ret() implements Op {}

    static MachineInst li(Reg d, long imm) {
        return MachineInst.of(new Li(imm), Operand.def(d));
    }

    static MachineInst add(Reg d, Reg a, Reg b) {
        return MachineInst.of(new Add(), Operand.def(d), Operand.use(a), Operand.use(b));
    }

    static MachineInst lt(Reg d, Reg a, Reg b) {
        return MachineInst.of(new Lt(), Operand.def(d), Operand.use(a), Operand.use(b));
    }

    static MachineInst mov(Reg d, Reg s) {
        return MachineInst.move(new Mov(), d, s);
    }

    /// p0 = p0 * 3 + p1, clobbering p0 and p1.
    static MachineInst call() {
        return new MachineInst(new Call(), List.of(Operand.use(Reg.p(0)), Operand.use(Reg.p(1)), Operand.def(Reg.p(0))),
                Set.of(0, 1), false);
    }

    /// The selector's lowering of a call: copy into the argument registers, call, copy the result out.
    static void callVia(MachineBlock b, Reg d, Reg a, Reg c) {
        b.add(mov(Reg.p(0), a)).add(mov(Reg.p(1), c)).add(call()).add(mov(d, Reg.p(0)));
    }

    static MachineInst br(Reg c) {
        return MachineInst.of(new Br(), Operand.use(c));
    }

    static MachineInst jmp() {
        return MachineInst.of(new Jmp());
    }

    static MachineInst ret(Reg a) {
        return MachineInst.of(new Ret(), Operand.use(a));
    }

    /// Runs over virtual registers.
    static long runVirtual(MachineFunction f) {
        Map<Reg, Long> env = new HashMap<>();
        MachineBlock b = f.block(0);
        for (int steps = 0; steps < 100_000; steps++) {
            MachineBlock next = null;
            for (MachineInst i : b.insts()) {
                List<Operand> o = i.operands();
                switch ((Op) i.op()) {
                    case Li l -> env.put(o.get(0).reg(), l.imm());
                    case Add a -> env.put(o.get(0).reg(), env.get(o.get(1).reg()) + env.get(o.get(2).reg()));
                    case Lt a -> env.put(o.get(0).reg(), env.get(o.get(1).reg()) < env.get(o.get(2).reg()) ? 1L : 0L);
                    case Mov m -> env.put(o.get(0).reg(), env.get(o.get(1).reg()));
                    case Call c -> env.put(Reg.p(0), env.get(Reg.p(0)) * 3 + env.get(Reg.p(1)));
                    case Br br -> next = take(f, b, env.get(o.get(0).reg()) != 0 ? 0 : 1, env);
                    case Jmp j -> next = take(f, b, 0, env);
                    case Ret r -> { return env.get(o.get(0).reg()); }
                }
            }
            b = next;
        }
        throw new AssertionError("no termination");
    }

    static MachineBlock take(MachineFunction f, MachineBlock b, int succ, Map<Reg, Long> env) {
        MachineBlock.Edge e = b.succs().get(succ);
        MachineBlock t = f.block(e.target());
        List<Long> vals = new ArrayList<>();
        for (Reg a : e.args()) vals.add(env.get(a));
        for (int k = 0; k < vals.size(); k++) env.put(t.params().get(k), vals.get(k));
        return t;
    }

    /// Runs over the allocated locations.
    static final class Machine {
        final long[] regs = new long[8];
        final long[] slots;
        final Allocation alloc;

        Machine(Allocation alloc) {
            this.alloc = alloc;
            this.slots = new long[alloc.slotCount()];
            java.util.Arrays.fill(regs, GARBAGE);
            for (int r : REGS.calleeSaved()) regs[r] = SENTINEL + r;
        }

        long get(Location l) {
            return switch (l) {
                case Location.InReg r -> regs[r.reg()];
                case Location.InSlot s -> slots[s.slot()];
            };
        }

        void set(Location l, long v) {
            switch (l) {
                case Location.InReg r -> {
                    assertTrue(r.reg() < 4 || r.reg() == 7, "not an allocatable register: " + r);
                    regs[r.reg()] = v;
                }
                case Location.InSlot s -> slots[s.slot()] = v;
            }
        }

        long read(Operand o) {
            return get(alloc.of(o.reg()));
        }

        void write(Operand o, long v) {
            set(alloc.of(o.reg()), v);
        }

        long run(MachineFunction f) {
            MachineBlock b = f.block(0);
            for (int steps = 0; steps < 100_000; steps++) {
                MachineBlock next = null;
                for (MachineInst i : b.insts()) {
                    List<Operand> o = i.operands();
                    switch ((Op) i.op()) {
                        case Li l -> write(o.get(0), l.imm());
                        case Add a -> write(o.get(0), read(o.get(1)) + read(o.get(2)));
                        case Lt a -> write(o.get(0), read(o.get(1)) < read(o.get(2)) ? 1L : 0L);
                        case Mov m -> write(o.get(0), read(o.get(1)));
                        case Call c -> {
                            long r = regs[0] * 3 + regs[1];
                            for (int k : i.clobbers()) regs[k] = GARBAGE + k;
                            regs[0] = r;
                        }
                        case Br br -> next = take(f, b, read(o.get(0)) != 0 ? 0 : 1);
                        case Jmp j -> next = take(f, b, 0);
                        case Ret r -> {
                            long result = read(o.get(0));
                            for (int k : REGS.calleeSaved()) {
                                if (!alloc.usedCalleeSaved().contains(k)) assertEquals(SENTINEL + k, regs[k], "p" + k + " not saved");
                            }
                            return result;
                        }
                    }
                }
                b = next;
            }
            throw new AssertionError("no termination");
        }

        MachineBlock take(MachineFunction f, MachineBlock b, int succ) {
            for (ParallelCopy.Move m : alloc.edgeMoves(b, succ)) set(m.dst(), get(m.src()));
            return f.block(b.succs().get(succ).target());
        }
    }

    static Allocation check(MachineFunction f) {
        Allocation a = LinearScan.allocate(f, REGS);
        noInterferingValuesShareALocation(f, a);
        assertEquals(runVirtual(f), new Machine(a).run(f), () -> f + "\n" + java.util.Arrays.toString(a.locations()));
        return a;
    }

    /// Independent of execution: intervals that overlap never get the same location, and no value
    /// sits in a register during a fixed use or clobber of that register.
    static void noInterferingValuesShareALocation(MachineFunction f, Allocation a) {
        LiveIntervals live = new LiveIntervals(f);
        for (int x = 0; x < f.vregCount(); x++) {
            LiveIntervals.Interval ix = live.of(Reg.v(x));
            if (ix.ranges().isEmpty()) continue;
            for (int y = x + 1; y < f.vregCount(); y++) {
                if (a.of(Reg.v(x)).equals(a.of(Reg.v(y))) && ix.firstIntersection(live.of(Reg.v(y))) >= 0) {
                    throw new AssertionError("v" + x + " and v" + y + " interfere in " + a.of(Reg.v(x)) + "\n" + f);
                }
            }
            if (a.of(Reg.v(x)) instanceof Location.InReg(int r)) {
                assertTrue(live.fixedOf(r).firstIntersection(ix) < 0, "v" + x + " in p" + r + " across a fixed use\n" + f);
            }
        }
    }

    @Test
    void pressureBeyondTheRegisterCountSpills() {
        MachineFunction f = new MachineFunction();
        MachineBlock b = f.newBlock();
        List<Reg> vs = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            Reg v = f.newVReg();
            b.add(li(v, k * 7 + 1));
            vs.add(v);
        }
        Reg acc = vs.getFirst();
        for (int k = 1; k < 10; k++) {
            Reg s = f.newVReg();
            b.add(add(s, acc, vs.get(k)));
            acc = s;
        }
        b.add(ret(acc));
        Allocation a = check(f);
        assertTrue(a.spilledCount() >= 6, "10 live values, 4 registers: " + a.spilledCount());
    }

    @Test
    void spillSlotsAreReusedByLaterPressure() {
        MachineFunction f = new MachineFunction();
        MachineBlock b = f.newBlock();
        Reg carry = null;
        for (int phase = 0; phase < 3; phase++) {
            List<Reg> vs = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                Reg v = f.newVReg();
                b.add(li(v, phase * 100 + k));
                vs.add(v);
            }
            Reg acc = carry == null ? vs.getFirst() : carry;
            for (int k = carry == null ? 1 : 0; k < 8; k++) {
                Reg s = f.newVReg();
                b.add(add(s, acc, vs.get(k)));
                acc = s;
            }
            carry = acc;
        }
        b.add(ret(carry));
        Allocation a = check(f);
        assertTrue(a.slotCount() < a.spilledCount(), a.slotCount() + " slots for " + a.spilledCount() + " spilled values");
    }

    @Test
    void fewValuesNeedNoSpillAndNoCalleeSaved() {
        MachineFunction f = new MachineFunction();
        MachineBlock b = f.newBlock();
        Reg x = f.newVReg(), y = f.newVReg(), z = f.newVReg();
        b.add(li(x, 4)).add(li(y, 5)).add(add(z, x, y)).add(ret(z));
        Allocation a = check(f);
        assertEquals(0, a.spilledCount());
        assertTrue(a.usedCalleeSaved().isEmpty(), "caller-saved registers suffice");
    }

    @Test
    void valuesLiveAcrossCallsAvoidCallerSavedRegisters() {
        MachineFunction f = new MachineFunction();
        MachineBlock b = f.newBlock();
        Reg x = f.newVReg(), y = f.newVReg(), z = f.newVReg(), w = f.newVReg(), r = f.newVReg();
        Reg s1 = f.newVReg(), s2 = f.newVReg(), s3 = f.newVReg(), s4 = f.newVReg();
        b.add(li(x, 4)).add(li(y, 5)).add(li(z, 6)).add(li(w, 7));
        callVia(b, r, x, y);
        b.add(add(s1, r, x)).add(add(s2, s1, y)).add(add(s3, s2, z)).add(add(s4, s3, w)).add(ret(s4));
        Allocation a = check(f);
        for (Reg v : List.of(x, y, z, w)) {
            assertFalse(a.of(v) instanceof Location.InReg(int reg) && reg < 2, v + " live across the call in " + a.of(v));
        }
        assertFalse(a.usedCalleeSaved().isEmpty());
        assertTrue(a.spilledCount() >= 2, "four values across a call, two callee-saved registers");
    }

    @Test
    void swappingBlockParametersIsACycleBrokenWithTheScratch() {
        // i, a, b = 0, 1, 2; loop { if !(i < 5) break; i, a, b = i + 1, b, a } ; return a * 10 + b-ish
        MachineFunction f = new MachineFunction();
        MachineBlock entry = f.newBlock(), head = f.newBlock(), body = f.newBlock(), exit = f.newBlock();
        Reg i0 = f.newVReg(), a0 = f.newVReg(), b0 = f.newVReg();
        entry.add(li(i0, 0)).add(li(a0, 1)).add(li(b0, 2)).add(jmp()).edge(1, i0, a0, b0);
        Reg.VReg i = f.newVReg(), a = f.newVReg(), b = f.newVReg();
        head.params().addAll(List.of(i, a, b));
        Reg five = f.newVReg(), c = f.newVReg();
        head.add(li(five, 5)).add(lt(c, i, five)).add(br(c)).edge(2).edge(3);
        Reg one = f.newVReg(), i1 = f.newVReg();
        body.add(li(one, 1)).add(add(i1, i, one)).add(jmp()).edge(1, i1, b, a);
        Reg t = f.newVReg(), t2 = f.newVReg(), t3 = f.newVReg();
        exit.add(add(t, a, a)).add(add(t2, t, t)).add(add(t3, t2, b)).add(ret(t3));
        Allocation al = check(f);
        assertEquals(0, al.spilledCount());
        List<ParallelCopy.Move> moves = al.edgeMoves(body, 0);
        assertTrue(moves.stream().anyMatch(m -> m.dst().equals(new Location.InReg(7))), "swap through the scratch: " + moves);
    }

    @Test
    void blockParameterCopiesCoalesceWhenIntervalsDoNotInterfere() {
        MachineFunction f = new MachineFunction();
        MachineBlock entry = f.newBlock(), head = f.newBlock(), body = f.newBlock(), exit = f.newBlock();
        Reg i0 = f.newVReg();
        entry.add(li(i0, 0)).add(jmp()).edge(1, i0);
        Reg.VReg i = f.newVReg();
        head.params().add(i);
        Reg ten = f.newVReg(), c = f.newVReg();
        head.add(li(ten, 10)).add(lt(c, i, ten)).add(br(c)).edge(2).edge(3);
        Reg one = f.newVReg(), i1 = f.newVReg();
        body.add(li(one, 1)).add(add(i1, i, one)).add(jmp()).edge(1, i1);
        exit.add(ret(i));
        Allocation a = check(f);
        assertTrue(a.edgeMoves(entry, 0).isEmpty(), "entry copy coalesced: " + a.edgeMoves(entry, 0));
        assertTrue(a.edgeMoves(body, 0).isEmpty(), "back-edge copy coalesced: " + a.edgeMoves(body, 0));
    }

    /// Random functions: a chain of diamonds and counted loops over random arithmetic and calls.
    @Test
    void randomFunctionsRunTheSameAllocated() {
        Random rnd = new Random(42);
        int spilled = 0;
        for (int n = 0; n < 500; n++) {
            MachineFunction f = randomFunction(rnd);
            spilled += check(f).spilledCount() > 0 ? 1 : 0;
        }
        assertTrue(spilled > 50, "the generator exercises spilling: " + spilled);
    }

    static MachineFunction randomFunction(Random rnd) {
        MachineFunction f = new MachineFunction();
        MachineBlock b = f.newBlock();
        List<Reg> pool = new ArrayList<>();
        for (int k = 0; k < 2 + rnd.nextInt(3); k++) {
            Reg v = f.newVReg();
            b.add(li(v, rnd.nextInt(100)));
            pool.add(v);
        }
        int shapes = 1 + rnd.nextInt(4);
        for (int s = 0; s < shapes; s++) {
            straight(f, b, pool, rnd);
            if (rnd.nextBoolean()) {
                // Diamond: both arms define a value passed to the join's parameter.
                MachineBlock l = f.newBlock(), r = f.newBlock(), j = f.newBlock();
                Reg c = f.newVReg();
                b.add(lt(c, pick(pool, rnd), pick(pool, rnd))).add(br(c)).edge(l.id()).edge(r.id());
                List<Reg> lp = new ArrayList<>(pool), rp = new ArrayList<>(pool);
                straight(f, l, lp, rnd);
                straight(f, r, rp, rnd);
                Reg.VReg jv = f.newVReg(), jw = f.newVReg();
                l.add(jmp()).edge(j.id(), pick(lp, rnd), pick(lp, rnd));
                r.add(jmp()).edge(j.id(), pick(rp, rnd), pick(rp, rnd));
                j.params().addAll(List.of(jv, jw));
                pool.add(jv);
                pool.add(jw);
                b = j;
            } else {
                // Counted loop carrying two values that the body permutes.
                MachineBlock h = f.newBlock(), body = f.newBlock(), x = f.newBlock();
                Reg i0 = f.newVReg();
                b.add(li(i0, 0)).add(jmp()).edge(h.id(), i0, pick(pool, rnd), pick(pool, rnd));
                Reg.VReg i = f.newVReg(), p = f.newVReg(), q = f.newVReg();
                h.params().addAll(List.of(i, p, q));
                Reg lim = f.newVReg(), c = f.newVReg();
                h.add(li(lim, 1 + rnd.nextInt(4))).add(lt(c, i, lim)).add(br(c)).edge(body.id()).edge(x.id());
                List<Reg> bp = new ArrayList<>(pool);
                bp.add(p);
                bp.add(q);
                straight(f, body, bp, rnd);
                Reg one = f.newVReg(), i1 = f.newVReg();
                body.add(li(one, 1)).add(add(i1, i, one)).add(jmp());
                if (rnd.nextBoolean()) body.edge(h.id(), i1, q, p);
                else body.edge(h.id(), i1, pick(bp, rnd), pick(bp, rnd));
                pool.add(p);
                pool.add(q);
                b = x;
            }
        }
        straight(f, b, pool, rnd);
        Reg acc = pool.getFirst();
        for (int k = 1; k < pool.size(); k++) {
            Reg s = f.newVReg();
            b.add(add(s, acc, pool.get(k)));
            acc = s;
        }
        b.add(ret(acc));
        return f;
    }

    static void straight(MachineFunction f, MachineBlock b, List<Reg> pool, Random rnd) {
        for (int k = rnd.nextInt(6); k > 0; k--) {
            Reg d = f.newVReg();
            switch (rnd.nextInt(5)) {
                case 0 -> b.add(li(d, rnd.nextInt(1000)));
                case 1, 2 -> b.add(add(d, pick(pool, rnd), pick(pool, rnd)));
                case 3 -> b.add(mov(d, pick(pool, rnd)));
                default -> callVia(b, d, pick(pool, rnd), pick(pool, rnd));
            }
            pool.add(d);
        }
    }

    static Reg pick(List<Reg> pool, Random rnd) {
        return pool.get(rnd.nextInt(pool.size()));
    }
}
