package dev.ebpfc.backend.arm64;

import static dev.ebpfc.backend.arm64.Arm64Reg.R0;
import static dev.ebpfc.backend.arm64.Arm64Reg.R1;
import static dev.ebpfc.backend.arm64.Arm64Reg.R2;
import static dev.ebpfc.backend.arm64.Arm64Reg.ZR;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.IP0;

import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.CodeBuffer.Label;
import dev.ebpfc.backend.ConstantPool;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeError;
import dev.ebpfc.backend.arm64.Arm64Insn.AddSubOp;
import dev.ebpfc.backend.arm64.Arm64Insn.LogicOp;
import dev.ebpfc.backend.arm64.Arm64Insn.MemOp;
import dev.ebpfc.backend.arm64.Arm64Insn.MemOrder;
import dev.ebpfc.backend.arm64.Arm64Insn.Shift;
import dev.ebpfc.backend.arm64.Arm64Insn.TwoSourceOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Size;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/// The code buffer and constant pool of one ARM64 compilation, with the instruction sequences
/// both code generators ([Arm64Lowering] at -O0, [Arm64Emitter] at -O2) build the same way:
/// constants, pool loads and calls, immediates that may not encode, memory offsets, BPF division,
/// byte swaps, atomics, runtime errors, and the listing. Every method takes the registers it may
/// use as scratch from its caller, which owns the register conventions.
final class Arm64Assembler {
    private final CodeBuffer<Arm64LabelRefs.Item> buf = new CodeBuffer<>(Arm64LabelRefs.Encoder::new);
    private final ConstantPool pool = new ConstantPool(buf);

    // ---- buffer ------------------------------------------------------------------------------

    Label label(String name) {
        return buf.label(name);
    }

    void bind(Label label) {
        buf.bind(label);
    }

    void note(String text) {
        buf.note(text);
    }

    void emit(Arm64Insn insn) {
        buf.emit(new Arm64LabelRefs.One(insn));
    }

    void b(Label target) {
        buf.emit(new Arm64LabelRefs.Jump(), target);
    }

    void bl(Label target) {
        buf.emit(new Arm64LabelRefs.Call(), target);
    }

    void bCond(Arm64Cond cond, Label target) {
        buf.emit(new Arm64LabelRefs.CondBranch(cond), target);
    }

    /// CBZ (or CBNZ when `nonZero`).
    void cbz(boolean nonZero, OpSize size, Arm64Reg rt, Label target) {
        buf.emit(new Arm64LabelRefs.CompareBranch(nonZero, size, rt), target);
    }

    /// TBZ (or TBNZ when `nonZero`) on bit `bit` of `rt`.
    void tbz(boolean nonZero, Arm64Reg rt, int bit, Label target) {
        buf.emit(new Arm64LabelRefs.TestBranch(nonZero, rt, bit), target);
    }

    // ---- constants and the pool ----------------------------------------------------------------

    /// `rd = value` at width `size` (at W only the low 32 bits count; the upper half is zeroed).
    void materialize(Arm64Reg rd, long value, OpSize size) {
        for (Arm64Insn insn : Arm64Materializer.sequence(rd, value, size)) emit(insn);
    }

    /// `ldr rt, pool entry` (relaxed to a far load through x16/x17 beyond ±1 MiB).
    void poolLoad(Arm64Reg rt, PoolEntry entry) {
        buf.emit(new Arm64LabelRefs.PoolLoad(rt), pool.label(entry));
    }

    /// A call out through the pool: `ldr x16, pool; blr x16`. Clobbers x30.
    void poolCall(PoolEntry entry) {
        poolLoad(IP0, entry);
        emit(new Arm64Insn.BranchReg(Arm64Insn.BranchRegOp.BLR, IP0));
    }

    /// The arguments of `ERROR(error, slot, detail)` in x0–x2 (the call itself is the caller's).
    void runtimeErrorArguments(RuntimeError error, int slot, long detail) {
        materialize(R0, error.ordinal(), OpSize.W);
        materialize(R1, slot, OpSize.W);
        materialize(R2, detail, OpSize.X);
    }

    // ---- immediates ----------------------------------------------------------------------------

    /// `rd = rn + value` at `z`: ADD or SUB (immediate) when `value` or its negation encodes, else
    /// through `scratch` (which may be `rd`, not `rn`).
    void addImmediate(OpSize z, Arm64Reg rd, Arm64Reg rn, long value, Arm64Reg scratch) {
        var imm = Imm12.of(value);
        var negated = Imm12.of(z.mask(-value));
        if (imm.isPresent()) emit(new Arm64Insn.AddSubImm(AddSubOp.ADD, z, rd, rn, imm.get()));
        else if (negated.isPresent()) emit(new Arm64Insn.AddSubImm(AddSubOp.SUB, z, rd, rn, negated.get()));
        else {
            materialize(scratch, value, z);
            emit(new Arm64Insn.AddSubShifted(AddSubOp.ADD, z, rd, rn, scratch, Shift.LSL, 0));
        }
    }

    /// Flags of `cmp rn, #v` at `z`: CMP or CMN (immediate), else `v` through `scratch`.
    /// `cmn rn, #-v` sets the same flags as `cmp rn, #v` for every v except 0 (C differs there),
    /// and 0 always encodes as CMP.
    void compareImmediate(OpSize z, Arm64Reg rn, long v, Arm64Reg scratch) {
        var imm = Imm12.of(z.mask(v));
        var negated = Imm12.of(z.mask(-v));
        if (imm.isPresent()) emit(Arm64Insn.cmp(z, rn, imm.get()));
        else if (negated.isPresent()) emit(Arm64Insn.cmn(z, rn, negated.get()));
        else {
            materialize(scratch, v, z);
            emit(Arm64Insn.cmp(z, rn, scratch));
        }
    }

    /// Flags of `tst rn, #v` at `z`: TST (immediate) for a bitmask immediate, else through `scratch`.
    void testImmediate(OpSize z, Arm64Reg rn, long v, Arm64Reg scratch) {
        long masked = z.mask(v);
        if (LogicalImmediate.encode(masked, z.bits).isPresent()) {
            emit(Arm64Insn.tst(z, rn, masked));
        } else {
            materialize(scratch, masked, z);
            emit(Arm64Insn.tst(z, rn, scratch));
        }
    }

    /// A load or store at `base + offset`: the scaled unsigned form, else the unscaled signed
    /// 9-bit form, else the offset in `scratch` as an index.
    void access(MemOp op, Arm64Reg rt, Arm64Reg base, int offset, Arm64Reg scratch) {
        if (offset >= 0 && offset % op.bytes() == 0 && offset / op.bytes() <= 0xfff) {
            emit(new Arm64Insn.LoadStore(op, rt, base, offset));
        } else if (offset >= -256 && offset <= 255) {
            emit(new Arm64Insn.LoadStoreUnscaled(op, rt, base, offset));
        } else {
            materialize(scratch, offset, OpSize.X);
            emit(new Arm64Insn.LoadStoreIndexed(op, rt, base, scratch, Arm64Insn.IndexExtend.LSL, false));
        }
    }

    static MemOp loadOp(Size size, boolean signed) {
        return switch (size) {
            case W -> signed ? MemOp.LDRSW : MemOp.LDR_W;
            case H -> signed ? MemOp.LDRSH_X : MemOp.LDRH;
            case B -> signed ? MemOp.LDRSB_X : MemOp.LDRB;
            case DW -> MemOp.LDR_X;
        };
    }

    static MemOp storeOp(Size size) {
        return switch (size) {
            case W -> MemOp.STR_W;
            case H -> MemOp.STRH;
            case B -> MemOp.STRB;
            case DW -> MemOp.STR_X;
        };
    }

    /// The A64 condition a BPF condition becomes after `cmp a, b` (`tst a, b` for JSET).
    static Arm64Cond condition(Cond c) {
        return switch (c) {
            case JEQ -> Arm64Cond.EQ;
            case JNE, JSET -> Arm64Cond.NE;
            case JGT -> Arm64Cond.HI;
            case JGE -> Arm64Cond.HS;
            case JLT -> Arm64Cond.LO;
            case JLE -> Arm64Cond.LS;
            case JSGT -> Arm64Cond.GT;
            case JSGE -> Arm64Cond.GE;
            case JSLT -> Arm64Cond.LT;
            case JSLE -> Arm64Cond.LE;
        };
    }

    // ---- arithmetic --------------------------------------------------------------------------

    /// `d = a / b` or `a % b` with BPF's total semantics (RFC 9669 §4.1), which `udiv`/`sdiv`
    /// have already (Arm ARM C6.2 "SDIV", "UDIV": a zero divisor gives 0, `INT_MIN / -1` gives
    /// `INT_MIN`), so `a % 0 = a - 0·0 = a` and `INT_MIN % -1 = INT_MIN - INT_MIN·(-1) = 0` through
    /// `msub`: no guards. The remainder's quotient goes to `quotient` (not `a` or `b`).
    void divide(boolean signed, boolean remainder, OpSize z, Arm64Reg d, Arm64Reg a, Arm64Reg b, Arm64Reg quotient) {
        TwoSourceOp t = signed ? TwoSourceOp.SDIV : TwoSourceOp.UDIV;
        if (!remainder) {
            emit(new Arm64Insn.TwoSource(t, z, d, a, b));
        } else {
            emit(new Arm64Insn.TwoSource(t, z, quotient, a, b));
            emit(new Arm64Insn.MulAdd(Arm64Insn.MulAddOp.MSUB, z, d, quotient, b, a));
        }
    }

    /// `d` = the low `bits` (16, 32, 64) of `a` with their bytes reversed, zero above them.
    void byteSwap(int bits, Arm64Reg d, Arm64Reg a) {
        switch (bits) {
            case 16 -> {
                // rev16 swaps the bytes of each halfword; the low one is the result.
                emit(new Arm64Insn.Reverse(Arm64Insn.ReverseOp.REV16, OpSize.W, d, a));
                emit(Arm64Insn.zeroExtend(d, d, 16));
            }
            case 32 -> emit(new Arm64Insn.Reverse(Arm64Insn.ReverseOp.REV, OpSize.W, d, a));
            default -> emit(new Arm64Insn.Reverse(Arm64Insn.ReverseOp.REV, OpSize.X, d, a));
        }
    }

    // ---- atomics -----------------------------------------------------------------------------

    /// A load-acquire exclusive / store-release exclusive loop (Armv8.0) for `op` (ADD, OR, AND,
    /// XOR or XCHG) at `[addr]`: `old` receives the old value (zero-extended at W), `updated` and
    /// `status` are scratch. `value` is not written.
    void exclusiveRmw(AtomicOp op, OpSize z, Arm64Reg addr, Arm64Reg value, Arm64Reg old, Arm64Reg updated, Arm64Reg status) {
        Label retry = label("ll_sc_retry");
        bind(retry);
        emit(new Arm64Insn.LoadExclusive(true, z, old, addr));
        Arm64Reg store = updated;
        switch (op) {
            case ADD -> emit(new Arm64Insn.AddSubShifted(AddSubOp.ADD, z, updated, old, value, Shift.LSL, 0));
            case OR -> emit(new Arm64Insn.LogicalShifted(LogicOp.ORR, z, updated, old, value, Shift.LSL, 0));
            case AND -> emit(new Arm64Insn.LogicalShifted(LogicOp.AND, z, updated, old, value, Shift.LSL, 0));
            case XOR -> emit(new Arm64Insn.LogicalShifted(LogicOp.EOR, z, updated, old, value, Shift.LSL, 0));
            case XCHG -> store = value;
            case CMPXCHG -> throw new IllegalArgumentException("cmpxchg has its own loop");
        }
        emit(new Arm64Insn.StoreExclusive(true, z, status, store, addr));
        cbz(true, OpSize.W, status, retry);
    }

    /// Compare-and-exchange as an exclusive loop: `old` = `[addr]`; when its low `z` bits equal
    /// `expected`'s, `replacement` is stored; the loop is left without a store when they differ.
    void exclusiveCmpXchg(OpSize z, Arm64Reg addr, Arm64Reg expected, Arm64Reg replacement, Arm64Reg old, Arm64Reg status) {
        Label retry = label("ll_sc_retry"), done = label("ll_sc_done");
        bind(retry);
        emit(new Arm64Insn.LoadExclusive(true, z, old, addr));
        emit(Arm64Insn.cmp(z, old, expected));
        bCond(Arm64Cond.NE, done);
        emit(new Arm64Insn.StoreExclusive(true, z, status, replacement, addr));
        cbz(true, OpSize.W, status, retry);
        bind(done);
    }

    /// A FEAT_LSE read-modify-write (not CMPXCHG) at `[addr]`: fetching forms (`result` not ZR)
    /// with acquire-release order (`…al`), plain ones as relaxed `st…` stores. AND is LDCLR of
    /// the complement, built in `scratch`; XCHG is always SWPAL.
    void lseRmw(AtomicOp op, OpSize z, Arm64Reg addr, Arm64Reg value, Arm64Reg result, Arm64Reg scratch) {
        MemOrder order = result != ZR ? MemOrder.ACQ_REL : MemOrder.PLAIN;
        switch (op) {
            case ADD -> emit(new Arm64Insn.AtomicRmw(Arm64Insn.AtomicOp.LDADD, order, z, value, result, addr));
            case OR -> emit(new Arm64Insn.AtomicRmw(Arm64Insn.AtomicOp.LDSET, order, z, value, result, addr));
            case XOR -> emit(new Arm64Insn.AtomicRmw(Arm64Insn.AtomicOp.LDEOR, order, z, value, result, addr));
            case AND -> {
                emit(Arm64Insn.mvn(z, scratch, value));
                emit(new Arm64Insn.AtomicRmw(Arm64Insn.AtomicOp.LDCLR, order, z, scratch, result, addr));
            }
            case XCHG -> emit(new Arm64Insn.AtomicRmw(Arm64Insn.AtomicOp.SWP, MemOrder.ACQ_REL, z, value, result, addr));
            case CMPXCHG -> throw new IllegalArgumentException("cmpxchg is CASAL");
        }
    }

    // ---- assembly ----------------------------------------------------------------------------

    /// The laid-out code, the pool after it, and the listing when `listing` is set.
    record Result(byte[] code, int poolOffset, List<PoolEntry> pool, String listing) {
    }

    /// Lays the code out (branch relaxation) and appends the pool (entries zero until linked).
    Result assemble(boolean listing) {
        CodeBuffer.Assembled<Arm64LabelRefs.Item> asm = buf.assemble();
        int poolOffset = pool.offset(asm.code().length);
        List<PoolEntry> entries = pool.entries();
        byte[] code = Arrays.copyOf(asm.code(), poolOffset + 8 * entries.size());
        // The listing costs more than the rest of compiling: only on request (CompileOptions.listing).
        StringBuilder text = listing ? listing(asm) : new StringBuilder();
        for (int i = 0; listing && i < entries.size(); i++) {
            text.append(String.format("%6x:  pool[%d] %s%n", poolOffset + 8 * i, i, entries.get(i)));
        }
        return new Result(code, poolOffset, entries, text.toString());
    }

    /// One line per machine instruction (a long branch form is several), as objdump prints it.
    private static StringBuilder listing(CodeBuffer.Assembled<Arm64LabelRefs.Item> asm) {
        StringBuilder sb = new StringBuilder();
        byte[] code = asm.code();
        for (CodeBuffer.Line<Arm64LabelRefs.Item> l : asm.lines()) {
            if (l.insn() == null) {
                sb.append("; ").append(l.note()).append('\n');
                continue;
            }
            int at = l.offset();
            for (Arm64Insn insn : l.insn().expand(l.offset())) {
                String hex = HexFormat.of().formatHex(code, at, at + 4);
                sb.append(String.format("%6x:  %-24s %s%n", at, hex, Arm64Printer.print(insn)));
                at += 4;
            }
        }
        return sb;
    }
}
