package dev.ebpfc.backend.arm64;

import static dev.ebpfc.backend.arm64.Arm64Reg.R10;
import static dev.ebpfc.backend.arm64.Arm64Reg.R11;
import static dev.ebpfc.backend.arm64.Arm64Reg.R12;
import static dev.ebpfc.backend.arm64.Arm64Reg.R13;
import static dev.ebpfc.backend.arm64.Arm64Reg.R9;
import static dev.ebpfc.backend.arm64.Arm64Reg.SP;
import static dev.ebpfc.backend.arm64.Arm64Reg.ZR;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.IP0;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.IP1;

import dev.ebpfc.backend.arm64.Arm64Insn.AddSubOp;
import dev.ebpfc.backend.arm64.Arm64Insn.LogicOp;
import dev.ebpfc.backend.arm64.Arm64Insn.MemOp;
import dev.ebpfc.backend.arm64.Arm64Insn.Shift;
import dev.ebpfc.backend.arm64.Arm64Insn.TwoSourceOp;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Operand;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.backend.regalloc.Allocation;
import dev.ebpfc.backend.regalloc.Location;
import dev.ebpfc.backend.select.MOp;
import dev.ebpfc.backend.select.ValueWidths;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.BinaryOp;

import java.util.List;
import java.util.Set;

/// The A64 instructions of each non-control [MOp] of one allocated -O2 function, and the
/// compares of its conditional branches.
///
/// Operands come from their register, or from their spill slot into a scratch register (the
/// first use x10, the second x11, the third x12); a spilled result is computed in x9 and stored.
/// Immediates that no instruction form encodes go to x13; LL/SC loops keep the old value in x13,
/// the new one in x16 and the status in w17. Within one operation every use is read before the
/// result is written unless the sequence says otherwise (the allocator may give a result the
/// register of a use that dies there).
///
/// 32-bit operations use W registers, whose writes clear bits 32–63: the zero-extended `i32`
/// representation of [MOp] costs nothing. BPF's division and shift rules are A64's own
/// ([Arm64Assembler#divide]; `lslv`/`lsrv`/`asrv` take the count modulo the width).
final class Arm64EmitOps {
    private static final Arm64Reg[] USE = {R10, R11, R12};
    private static final Arm64Reg RESULT = R9;
    private static final Arm64Reg IMM = R13;

    private final Arm64Assembler asm;
    private final Allocation alloc;
    private final Arm64Frame frame;
    private final boolean lse;
    /// Virtual registers holding the frame pointer, which x23 also holds (empty when it does not).
    private final Set<Integer> framePointer;
    /// Per virtual register, how many low bits may be non-zero (64 when unknown).
    private final int[] width;

    Arm64EmitOps(Arm64Assembler asm, MachineFunction f, Allocation alloc, Arm64Frame frame, boolean lse, Set<Integer> framePointer) {
        this.asm = asm;
        this.alloc = alloc;
        this.frame = frame;
        this.lse = lse;
        this.framePointer = framePointer;
        this.width = ValueWidths.of(f);
    }

    /// Whether `d` already holds `a` zero-extended from at most `bits` bits (no instruction needed).
    private boolean alreadyExtended(Reg dst, Reg src, int bits) {
        return src instanceof Reg.VReg v && width[v.id()] <= bits && alloc.of(dst).equals(alloc.of(src));
    }

    /// Where `r` is read from: its location, or x23 for a spilled copy of the frame pointer.
    private Location source(Reg r) {
        Location l = alloc.of(r);
        if (l instanceof Location.InSlot && r instanceof Reg.VReg v && framePointer.contains(v.id())) {
            return new Location.InReg(Arm64Machine.FRAME_POINTER.number());
        }
        return l;
    }

    // ---- operands ----------------------------------------------------------------------------

    /// The register holding `r`: its own, or `scratch` loaded from its spill slot.
    Arm64Reg use(Reg r, Arm64Reg scratch) {
        return switch (source(r)) {
            case Location.InReg(int n) -> Arm64Reg.general(n);
            case Location.InSlot(int s) -> {
                slotAccess(MemOp.LDR_X, scratch, s);
                yield scratch;
            }
        };
    }

    private Arm64Reg use(MachineInst inst, int operand) {
        return use(inst.operands().get(operand).reg(), USE[operand - firstUse(inst)]);
    }

    private static int firstUse(MachineInst inst) {
        int k = 0;
        while (k < inst.operands().size() && inst.operands().get(k).role() == Operand.Role.DEF) k++;
        return k;
    }

    /// Where to compute result `r`: its register, or x9 when it lives in a slot ([#store]).
    private Arm64Reg def(Reg r) {
        return alloc.of(r) instanceof Location.InReg(int n) ? Arm64Reg.general(n) : RESULT;
    }

    /// Writes `computed` to `r`'s slot when it is spilled.
    private void store(Reg r, Arm64Reg computed) {
        if (alloc.of(r) instanceof Location.InSlot(int s)) slotAccess(MemOp.STR_X, computed, s);
    }

    private void slotAccess(MemOp op, Arm64Reg rt, int slot) {
        asm.access(op, rt, SP, frame.slotOffset(slot), IP1);
    }

    /// One copy between locations; `scratch` carries slot-to-slot copies.
    void move(Location dst, Location src, Arm64Reg scratch) {
        if (dst.equals(src)) return;
        switch (dst) {
            case Location.InReg(int d) -> {
                switch (src) {
                    case Location.InReg(int s) -> asm.emit(Arm64Insn.mov(OpSize.X, Arm64Reg.general(d), Arm64Reg.general(s)));
                    case Location.InSlot(int s) -> slotAccess(MemOp.LDR_X, Arm64Reg.general(d), s);
                }
            }
            case Location.InSlot(int d) -> {
                switch (src) {
                    case Location.InReg(int s) -> slotAccess(MemOp.STR_X, Arm64Reg.general(s), d);
                    case Location.InSlot(int s) -> {
                        slotAccess(MemOp.LDR_X, scratch, s);
                        slotAccess(MemOp.STR_X, scratch, d);
                    }
                }
            }
        }
    }

    // ---- operations --------------------------------------------------------------------------

    /// Every [MOp] except the terminators, parameters, calls (but [MOp.CallAddress]) and depth
    /// checks, which [Arm64Emitter] lays out.
    void emit(MOp op, MachineInst inst) {
        List<Operand> o = inst.operands();
        switch (op) {
            case MOp.Move m -> move(alloc.of(o.get(0).reg()), source(o.get(1).reg()), R10);
            case MOp.Imm(long value) -> result(inst, d -> asm.materialize(d, value, (value >>> 32) == 0 ? OpSize.W : OpSize.X));
            case MOp.Alu(BinaryOp bop, boolean w32) -> {
                Arm64Reg a = use(inst, 1), b = use(inst, 2);
                result(inst, d -> alu(bop, w32 ? OpSize.W : OpSize.X, d, a, b));
            }
            case MOp.AluImm(BinaryOp bop, boolean w32, long imm) -> {
                Arm64Reg a = use(inst, 1);
                OpSize z = w32 ? OpSize.W : OpSize.X;
                result(inst, d -> aluImm(bop, z, d, a, z.mask(imm)));
            }
            case MOp.Un(var uop, boolean w32) -> {
                Arm64Reg a = use(inst, 1);
                OpSize z = w32 ? OpSize.W : OpSize.X;
                result(inst, d -> asm.emit(switch (uop) {
                    case NEG -> Arm64Insn.neg(z, d, a);
                    case NOT -> Arm64Insn.mvn(z, d, a);
                }));
            }
            case MOp.Ext(boolean signed, int from, boolean to32) -> {
                // Zero-extending (or "sign-extending" 32 bits to 32) what already has that form.
                if ((!signed || (from == 32 && to32)) && alreadyExtended(o.get(0).reg(), o.get(1).reg(), from)) return;
                Arm64Reg a = use(inst, 1);
                result(inst, d -> extend(signed, from, to32, d, a));
            }
            case MOp.Trunc t -> {
                if (alreadyExtended(o.get(0).reg(), o.get(1).reg(), 32)) return;
                Arm64Reg a = use(inst, 1);
                result(inst, d -> asm.emit(Arm64Insn.mov(OpSize.W, d, a)));
            }
            case MOp.Swap(int bits) -> {
                Arm64Reg a = use(inst, 1);
                result(inst, d -> asm.byteSwap(bits, d, a));
            }
            case MOp.SetCond(Cond cond, Width width) -> {
                Arm64Reg a = use(inst, 1), b = use(inst, 2);
                OpSize z = size(width);
                asm.emit(cond == Cond.JSET ? Arm64Insn.tst(z, a, b) : Arm64Insn.cmp(z, a, b));
                result(inst, d -> asm.emit(Arm64Insn.cset(OpSize.W, d, Arm64Assembler.condition(cond))));
            }
            case MOp.SetCondImm(Cond cond, Width width, long imm) -> {
                Arm64Reg a = use(inst, 1);
                OpSize z = size(width);
                if (cond == Cond.JSET) asm.testImmediate(z, a, z.mask(imm), IMM);
                else asm.compareImmediate(z, a, z.mask(imm), IMM);
                result(inst, d -> asm.emit(Arm64Insn.cset(OpSize.W, d, Arm64Assembler.condition(cond))));
            }
            case MOp.Select s -> {
                Arm64Reg c = use(inst, 1), t = use(inst, 2), f = use(inst, 3);
                asm.emit(Arm64Insn.cmp(OpSize.X, c, new Imm12(0, false)));
                result(inst, d -> asm.emit(new Arm64Insn.CondSelect(Arm64Insn.CondSelectOp.CSEL, OpSize.X, d, t, f, Arm64Cond.NE)));
            }
            case MOp.Load(Size size, boolean signed, int offset) -> {
                Arm64Reg base = use(inst, 1);
                result(inst, d -> asm.access(Arm64Assembler.loadOp(size, signed), d, base, offset, R12));
            }
            case MOp.Store(Size size, int offset) -> {
                Arm64Reg base = use(inst, 0), value = use(inst, 1);
                asm.access(Arm64Assembler.storeOp(size), value, base, offset, R12);
            }
            case MOp.StoreImm(Size size, int offset, long imm) -> {
                Arm64Reg base = use(inst, 0);
                long v = size == Size.DW ? imm : imm & ((1L << (8 * size.bytes)) - 1);
                Arm64Reg value = ZR;
                if (v != 0) {
                    asm.materialize(IMM, v, size == Size.DW ? OpSize.X : OpSize.W);
                    value = IMM;
                }
                asm.access(Arm64Assembler.storeOp(size), value, base, offset, R12);
            }
            case MOp.Atomic a -> atomic(a, inst);
            case MOp.CmpXchg x -> cmpXchg(x, inst);
            case MOp.PoolLoad(var entry) -> result(inst, d -> asm.poolLoad(d, entry));
            case MOp.CallAddress c -> {
                Arm64Reg target = use(inst.operands().get(1).reg(), IP0);
                asm.emit(new Arm64Insn.BranchReg(Arm64Insn.BranchRegOp.BLR, target));
            }
            case MOp.Params p -> throw new IllegalStateException("laid out by the emitter: " + op);
            case MOp.CallOut c -> throw new IllegalStateException("laid out by the emitter: " + op);
            case MOp.CallLocal c -> throw new IllegalStateException("laid out by the emitter: " + op);
            case MOp.CheckDepth c -> throw new IllegalStateException("laid out by the emitter: " + op);
            case MOp.Branch b -> throw new IllegalStateException("laid out by the emitter: " + op);
            case MOp.BranchImm b -> throw new IllegalStateException("laid out by the emitter: " + op);
            case MOp.Jump j -> throw new IllegalStateException("laid out by the emitter: " + op);
            case MOp.Return r -> throw new IllegalStateException("laid out by the emitter: " + op);
            case MOp.Trap t -> throw new IllegalStateException("laid out by the emitter: " + op);
        }
    }

    /// Computes the instruction's result (operand 0) with `body` into its register or x9, then
    /// stores it when spilled.
    private void result(MachineInst inst, java.util.function.Consumer<Arm64Reg> body) {
        Reg r = inst.operands().getFirst().reg();
        Arm64Reg d = def(r);
        body.accept(d);
        store(r, d);
    }

    private static OpSize size(Width w) {
        return w == Width.W64 ? OpSize.X : OpSize.W;
    }

    private void alu(BinaryOp op, OpSize z, Arm64Reg d, Arm64Reg a, Arm64Reg b) {
        switch (op) {
            case ADD -> asm.emit(new Arm64Insn.AddSubShifted(AddSubOp.ADD, z, d, a, b, Shift.LSL, 0));
            case SUB -> asm.emit(new Arm64Insn.AddSubShifted(AddSubOp.SUB, z, d, a, b, Shift.LSL, 0));
            case MUL -> asm.emit(Arm64Insn.mul(z, d, a, b));
            case UDIV -> asm.divide(false, false, z, d, a, b, R12);
            case SDIV -> asm.divide(true, false, z, d, a, b, R12);
            case UREM -> asm.divide(false, true, z, d, a, b, R12);
            case SREM -> asm.divide(true, true, z, d, a, b, R12);
            case AND -> asm.emit(new Arm64Insn.LogicalShifted(LogicOp.AND, z, d, a, b, Shift.LSL, 0));
            case OR -> asm.emit(new Arm64Insn.LogicalShifted(LogicOp.ORR, z, d, a, b, Shift.LSL, 0));
            case XOR -> asm.emit(new Arm64Insn.LogicalShifted(LogicOp.EOR, z, d, a, b, Shift.LSL, 0));
            case SHL -> asm.emit(new Arm64Insn.TwoSource(TwoSourceOp.LSLV, z, d, a, b));
            case LSHR -> asm.emit(new Arm64Insn.TwoSource(TwoSourceOp.LSRV, z, d, a, b));
            case ASHR -> asm.emit(new Arm64Insn.TwoSource(TwoSourceOp.ASRV, z, d, a, b));
        }
    }

    /// `d = a op v`, `v` the immediate at width `z` (for X the sign-extended 32-bit immediate).
    private void aluImm(BinaryOp op, OpSize z, Arm64Reg d, Arm64Reg a, long v) {
        boolean powerOfTwo = v != 0 && (v & (v - 1)) == 0;
        int log2 = Long.numberOfTrailingZeros(v);
        switch (op) {
            case ADD -> asm.addImmediate(z, d, a, v, IMM);
            case SUB -> asm.addImmediate(z, d, a, z.mask(-v), IMM);
            case MUL -> {
                if (powerOfTwo) shiftImm(Shift.LSL, z, d, a, log2);
                else registerForm(op, z, d, a, v);
            }
            case UDIV -> {
                if (powerOfTwo) shiftImm(Shift.LSR, z, d, a, log2);
                else registerForm(op, z, d, a, v);
            }
            case UREM -> {
                if (powerOfTwo && v != 1) asm.emit(new Arm64Insn.LogicalImm(LogicOp.AND, z, d, a, v - 1));
                else registerForm(op, z, d, a, v);
            }
            case SDIV, SREM -> registerForm(op, z, d, a, v);
            case AND, OR, XOR -> {
                LogicOp l = op == BinaryOp.AND ? LogicOp.AND : op == BinaryOp.OR ? LogicOp.ORR : LogicOp.EOR;
                if (LogicalImmediate.encode(v, z.bits).isPresent()) {
                    asm.emit(new Arm64Insn.LogicalImm(l, z, d, a, v));
                } else if (v == 0) {
                    // 0 and all ones are the two values no bitmask immediate encodes.
                    if (op == BinaryOp.AND) asm.emit(Arm64Insn.mov(z, d, ZR));
                    else copy(z, d, a);
                } else if (v == z.mask(-1L)) {
                    switch (op) {
                        case AND -> copy(z, d, a);
                        case OR -> asm.materialize(d, -1L, z);
                        default -> asm.emit(Arm64Insn.mvn(z, d, a));
                    }
                } else {
                    registerForm(op, z, d, a, v);
                }
            }
            case SHL -> shiftImm(Shift.LSL, z, d, a, (int) (v & (z.bits - 1)));
            case LSHR -> shiftImm(Shift.LSR, z, d, a, (int) (v & (z.bits - 1)));
            case ASHR -> shiftImm(Shift.ASR, z, d, a, (int) (v & (z.bits - 1)));
        }
    }

    /// The immediate in x13, then the register form.
    private void registerForm(BinaryOp op, OpSize z, Arm64Reg d, Arm64Reg a, long v) {
        asm.materialize(IMM, v, z);
        alu(op, z, d, a, IMM);
    }

    private void shiftImm(Shift kind, OpSize z, Arm64Reg d, Arm64Reg a, int count) {
        if (count == 0) {
            copy(z, d, a);
            return;
        }
        asm.emit(switch (kind) {
            case LSL -> Arm64Insn.lsl(z, d, a, count);
            case LSR -> Arm64Insn.lsr(z, d, a, count);
            default -> Arm64Insn.asr(z, d, a, count);
        });
    }

    /// `d = a` for an operand already in the representation of width `z`.
    private void copy(OpSize z, Arm64Reg d, Arm64Reg a) {
        if (d != a) asm.emit(Arm64Insn.mov(z, d, a));
    }

    private void extend(boolean signed, int from, boolean to32, Arm64Reg d, Arm64Reg a) {
        if (from == 32) {
            // To 32 bits (either way) or zero-extended to 64: the low half, upper half cleared.
            if (to32 || !signed) asm.emit(Arm64Insn.mov(OpSize.W, d, a));
            else asm.emit(Arm64Insn.signExtend(OpSize.X, d, a, 32));
        } else if (!signed) {
            asm.emit(Arm64Insn.zeroExtend(d, a, from));
        } else {
            // A W destination clears the upper half: the i32 representation.
            asm.emit(Arm64Insn.signExtend(to32 ? OpSize.W : OpSize.X, d, a, from));
        }
    }

    // ---- atomics -----------------------------------------------------------------------------

    /// `base + offset` in a register: `base` itself, or `into`.
    private Arm64Reg address(Arm64Reg base, int offset, Arm64Reg into) {
        if (offset == 0) return base;
        asm.addImmediate(OpSize.X, into, base, offset, into);
        return into;
    }

    private void atomic(MOp.Atomic a, MachineInst inst) {
        OpSize z = a.size() == Size.DW ? OpSize.X : OpSize.W;
        int first = a.fetch() ? 1 : 0;
        Arm64Reg base = use(inst, first), value = use(inst, first + 1);
        Arm64Reg addr = address(base, a.offset(), R12);
        Reg result = a.fetch() ? inst.operands().getFirst().reg() : null;
        if (lse) {
            Arm64Reg rt = ZR;
            if (result != null) {
                rt = def(result);
                // The old value must not land in a register the instruction still reads.
                if (rt == value || rt == addr) rt = IMM;
            }
            asm.lseRmw(a.op(), z, addr, value, rt, IP0);
            if (result != null) {
                Arm64Reg d = def(result);
                if (d != rt) asm.emit(Arm64Insn.mov(z, d, rt));
                store(result, d);
            }
        } else {
            asm.exclusiveRmw(a.op(), z, addr, value, IMM, IP0, IP1);
            if (result != null) {
                Arm64Reg d = def(result);
                asm.emit(Arm64Insn.mov(z, d, IMM));
                store(result, d);
            }
        }
    }

    private void cmpXchg(MOp.CmpXchg x, MachineInst inst) {
        OpSize z = x.size() == Size.DW ? OpSize.X : OpSize.W;
        Arm64Reg base = use(inst, 1), expected = use(inst, 2), replacement = use(inst, 3);
        Arm64Reg addr = address(base, x.offset(), IP0);
        if (lse) {
            // CASAL's Rs is the comparand and receives the old value.
            asm.emit(Arm64Insn.mov(OpSize.X, IMM, expected));
            asm.emit(new Arm64Insn.CompareAndSwap(Arm64Insn.MemOrder.ACQ_REL, z, IMM, replacement, addr));
        } else {
            asm.exclusiveCmpXchg(z, addr, expected, replacement, IMM, IP1);
        }
        result(inst, d -> asm.emit(Arm64Insn.mov(z, d, IMM)));
    }

    // ---- compares of conditional branches -------------------------------------------------------

    /// How a conditional branch tests: condition flags set by a compare, a register against zero
    /// (`cbz`/`cbnz`), or one bit (`tbz`/`tbnz`).
    sealed interface Test {
        Test invert();

        record Flags(Arm64Cond cond) implements Test {
            @Override
            public Test invert() {
                return new Flags(cond.invert());
            }
        }

        /// Taken when `reg` (at `size`) is non-zero if `nonZero`, else when it is zero.
        record Zero(boolean nonZero, OpSize size, Arm64Reg reg) implements Test {
            @Override
            public Test invert() {
                return new Zero(!nonZero, size, reg);
            }
        }

        /// Taken when bit `bit` of `reg` is set if `set`, else when it is clear.
        record Bit(boolean set, Arm64Reg reg, int bit) implements Test {
            @Override
            public Test invert() {
                return new Bit(!set, reg, bit);
            }
        }
    }

    /// `cmp a, b` (`tst` for JSET).
    Test compare(MOp.Branch br, MachineInst inst) {
        Arm64Reg a = use(inst, 0), b = use(inst, 1);
        OpSize z = size(br.width());
        asm.emit(br.cond() == Cond.JSET ? Arm64Insn.tst(z, a, b) : Arm64Insn.cmp(z, a, b));
        return new Test.Flags(Arm64Assembler.condition(br.cond()));
    }

    /// Against an immediate: `cbz`/`cbnz` for equality with 0 (and unsigned `> 0`, `<= 0`),
    /// `tbz`/`tbnz` for one-bit JSET and for signed `< 0`, `>= 0`; else a compare.
    Test compareImm(MOp.BranchImm br, MachineInst inst) {
        Arm64Reg a = use(inst, 0);
        OpSize z = size(br.width());
        long v = z.mask(br.imm());
        if (v == 0) {
            switch (br.cond()) {
                case JEQ, JLE -> {
                    return new Test.Zero(false, z, a);
                }
                case JNE, JGT -> {
                    return new Test.Zero(true, z, a);
                }
                case JSLT -> {
                    return new Test.Bit(true, a, z.bits - 1);
                }
                case JSGE -> {
                    return new Test.Bit(false, a, z.bits - 1);
                }
                default -> {
                }
            }
        }
        if (br.cond() == Cond.JSET) {
            if (v != 0 && (v & (v - 1)) == 0) return new Test.Bit(true, a, Long.numberOfTrailingZeros(v));
            asm.testImmediate(z, a, v, IMM);
        } else {
            asm.compareImmediate(z, a, v, IMM);
        }
        return new Test.Flags(Arm64Assembler.condition(br.cond()));
    }
}
