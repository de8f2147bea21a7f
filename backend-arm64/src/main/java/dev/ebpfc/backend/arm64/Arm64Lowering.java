package dev.ebpfc.backend.arm64;

import static dev.ebpfc.backend.arm64.Arm64Reg.R0;
import static dev.ebpfc.backend.arm64.Arm64Reg.R1;
import static dev.ebpfc.backend.arm64.Arm64Reg.R2;
import static dev.ebpfc.backend.arm64.Arm64Reg.R29;
import static dev.ebpfc.backend.arm64.Arm64Reg.R3;
import static dev.ebpfc.backend.arm64.Arm64Reg.R30;
import static dev.ebpfc.backend.arm64.Arm64Reg.R4;
import static dev.ebpfc.backend.arm64.Arm64Reg.R7;
import static dev.ebpfc.backend.arm64.Arm64Reg.SP;
import static dev.ebpfc.backend.arm64.Arm64Reg.ZR;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.ANCHOR;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.HELPER_ID;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.IP0;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.LINK_KEEPER;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.SCRATCH0;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.SCRATCH1;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.SCRATCH2;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.SCRATCH3;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.SCRATCH4;

import dev.ebpfc.backend.BytecodeFacts;
import dev.ebpfc.backend.CodeBuffer.Label;
import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.backend.RuntimeError;
import dev.ebpfc.backend.arm64.Arm64Insn.AddSubOp;
import dev.ebpfc.backend.arm64.Arm64Insn.IndexMode;
import dev.ebpfc.backend.arm64.Arm64Insn.LogicOp;
import dev.ebpfc.backend.arm64.Arm64Insn.MemOp;
import dev.ebpfc.backend.arm64.Arm64Insn.MemOrder;
import dev.ebpfc.backend.arm64.Arm64Insn.PairOp;
import dev.ebpfc.backend.arm64.Arm64Insn.Shift;
import dev.ebpfc.backend.arm64.Arm64Insn.TwoSourceOp;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.memory.MemoryLayout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/// The ARM64 -O0 code generator: each BPF instruction becomes a fixed A64 sequence over the
/// registers of [Arm64RegisterMap], in slot order, with no analysis beyond which callee-saved
/// registers the prologue must save and whether the program calls locally. The shape of the code
/// (docs/native-abi.md):
///
/// ```
/// entry:    stp x29, x30, [sp, #-N]!; mov x29, sp; save x23, x24 and the used ones of x19–x22
///           (x26 too when the program has local calls); sp stays 16-byte aligned
///           x24 = sp (the anchor); x23 = r10_top (3rd argument); r1, r2 already in x0, x1;
///           r0, r3–r5 = 0
/// slot 0…:  the program, every slot labelled (jumps, calls and callx land on any instruction)
/// unwind:   sp = x24; x0 = r0; restore; ldp x29, x30, [sp], #N; ret   (also exit at depth 0)
/// stubs:    out-of-line runtime errors (call depth, jumps to no instruction)
/// pool:     8-byte entries, patched by the loader, read with `ldr xN, literal`
/// ```
///
/// A local call stores r6–r9, r10 and x30 (x19–x23, x30: 48 bytes, keeping sp 16-byte aligned)
/// below sp, advances x23 by the frame stride and `bl`s the target slot; BPF `exit` returns with
/// `ret` unless sp is back at the anchor (depth 0). `x24 - sp` is therefore 48 × depth, which is
/// the depth check. In a program with local calls x30 is the current function's return address
/// at all times, so calls out (helpers, runtime entries) park it in x26 around their `blr`.
///
/// BPF semantics the hardware gives for free: W-register writes zero the upper half (ALU32's
/// zero-extension); `lslv`/`lsrv`/`asrv` take the count modulo the width, as BPF masks it; `udiv`
/// and `sdiv` return 0 for a zero divisor and `INT_MIN / -1 = INT_MIN` without trapping (Arm ARM
/// C6.2 "SDIV", "UDIV"), so `x % 0 = x - 0·0 = x` and `INT_MIN % -1 = INT_MIN - INT_MIN·(-1) = 0`
/// through `msub` as well: division needs no guards at all.
final class Arm64Lowering {
    /// Machine stack bytes per call depth: x19–x23 and x30.
    static final int BYTES_PER_DEPTH = 48;

    private final ProgramDef def;
    private final Program program;
    private final CompileOptions options;
    private final Arm64Assembler asm = new Arm64Assembler();
    private final Label[] slotLabels;
    private final Label unwind = asm.label("unwind");
    private final List<Runnable> outOfLine = new ArrayList<>();
    /// Whether the program calls BPF functions (`call` local or `callx`): then depth > 0 exists,
    /// `exit` must test the depth, and x30 must survive calls out.
    private final boolean localCalls;
    private Label noInstruction;
    private int slot;

    Arm64Lowering(ProgramDef def, CompileOptions options) {
        this.def = def;
        this.program = def.program();
        this.options = options;
        this.slotLabels = new Label[program.slotCount()];
        for (int i = 0; i < program.size(); i++) slotLabels[program.slot(i)] = asm.label("slot" + program.slot(i));
        boolean calls = false;
        for (Insn insn : program.insns()) {
            calls |= insn instanceof Insn.CallIndirect || (insn instanceof Insn.Call c && c.kind() == CallKind.LOCAL);
        }
        this.localCalls = calls;
    }

    CompiledProgram compile() {
        List<Arm64Reg> saved = savedRegisters();
        // The frame record, then the saved registers, rounded up to keep sp 16-byte aligned.
        int frameBytes = (16 + 8 * saved.size() + 15) & -16;
        asm.note("prologue");
        emit(new Arm64Insn.LoadStorePair(PairOp.STP_X, IndexMode.PRE, R29, R30, SP, -frameBytes));
        emit(Arm64Insn.mov(OpSize.X, R29, SP));
        saveOrRestore(saved, true);
        emit(Arm64Insn.mov(OpSize.X, ANCHOR, SP));
        emit(Arm64Insn.mov(OpSize.X, reg(Reg.R10), R2));
        // BPF registers start at 0 (as in the interpreter): a helper call records r1–r5 whether the
        // helper reads them or not, so r3–r5 must not carry the caller's values; r0 for symmetry.
        for (Arm64Reg r : new Arm64Reg[]{R7, R2, R3, R4}) emit(Arm64Insn.mov(OpSize.X, r, ZR));
        for (int i = 0; i < program.size(); i++) {
            slot = program.slot(i);
            Insn insn = program.get(i);
            if (options.listing()) asm.note(String.format("%4d: %s", slot, insn));
            asm.bind(slotLabels[slot]);
            lower(i, insn);
        }
        // Running off the end is only possible without the static check; fail like a bad jump.
        slot = program.slotCount();
        asm.note("past the last instruction");
        runtimeError(RuntimeError.NO_INSTRUCTION, program.slotCount());
        asm.note("unwind / exit at depth 0");
        asm.bind(unwind);
        emit(Arm64Insn.mov(OpSize.X, SP, ANCHOR));
        emit(Arm64Insn.mov(OpSize.X, R0, R7));
        saveOrRestore(saved, false);
        emit(new Arm64Insn.LoadStorePair(PairOp.LDP_X, IndexMode.POST, R29, R30, SP, frameBytes));
        emit(Arm64Insn.ret());
        for (int i = 0; i < outOfLine.size(); i++) outOfLine.get(i).run();

        Arm64Assembler.Result assembled = asm.assemble(options.listing());
        int[] slotOffsets = new int[program.slotCount()];
        Arrays.fill(slotOffsets, -1);
        for (int s = 0; s < slotLabels.length; s++) if (slotLabels[s] != null) slotOffsets[s] = slotLabels[s].offset();
        int[] functionOffsets = BytecodeFacts.functionSlots(def).stream().mapToInt(s -> slotLabels[s].offset()).toArray();
        return new CompiledProgram("arm64", assembled.code(), 0, unwind.offset(), functionOffsets, slotOffsets,
                assembled.poolOffset(), assembled.pool(), assembled.listing());
    }

    /// x23 (r10) and x24 (anchor) always; x19–x22 when the program names r6–r9; x26 when calls
    /// out must keep x30.
    private List<Arm64Reg> savedRegisters() {
        boolean[] used = BytecodeFacts.namedRegisters(program);
        List<Arm64Reg> out = new ArrayList<>(List.of(reg(Reg.R10), ANCHOR));
        for (int r = 6; r <= 9; r++) if (used[r]) out.add(reg(Reg.of(r)));
        if (localCalls) out.add(LINK_KEEPER);
        return out;
    }

    /// Stores (or loads) `regs` in pairs above the frame record, at [sp + 16].
    private void saveOrRestore(List<Arm64Reg> regs, boolean save) {
        for (int i = 0; i < regs.size(); i += 2) {
            int at = 16 + 8 * i;
            if (i + 1 < regs.size()) {
                emit(new Arm64Insn.LoadStorePair(save ? PairOp.STP_X : PairOp.LDP_X, IndexMode.OFFSET, regs.get(i), regs.get(i + 1), SP, at));
            } else {
                emit(new Arm64Insn.LoadStore(save ? MemOp.STR_X : MemOp.LDR_X, regs.get(i), SP, at));
            }
        }
    }

    // ---- emission helpers -------------------------------------------------------------------

    private void emit(Arm64Insn insn) {
        asm.emit(insn);
    }

    private void b(Label target) {
        asm.b(target);
    }

    private void bCond(Arm64Cond cond, Label target) {
        asm.bCond(cond, target);
    }

    private void cbz(boolean nonZero, OpSize size, Arm64Reg rt, Label target) {
        asm.cbz(nonZero, size, rt, target);
    }

    private void materialize(Arm64Reg rd, long value, OpSize size) {
        asm.materialize(rd, value, size);
    }

    private void poolLoad(Arm64Reg rt, PoolEntry entry) {
        asm.poolLoad(rt, entry);
    }

    /// A call out through the pool: `ldr x16, pool; blr x16`, with x30 kept in x26 when it is a
    /// function's return address.
    private void poolCall(PoolEntry entry) {
        poolLoad(IP0, entry);
        if (localCalls) emit(Arm64Insn.mov(OpSize.X, LINK_KEEPER, R30));
        emit(new Arm64Insn.BranchReg(Arm64Insn.BranchRegOp.BLR, IP0));
        if (localCalls) emit(Arm64Insn.mov(OpSize.X, R30, LINK_KEEPER));
    }

    /// The label of the code for `target`, or a stub reporting that no instruction starts there.
    private Label slotLabel(int target) {
        if (target >= 0 && target < slotLabels.length && slotLabels[target] != null) return slotLabels[target];
        if (noInstruction == null) {
            // One stub per bad target would be nicer for messages, but these programs are invalid anyway.
            Label l = noInstruction = asm.label("no_instruction");
            int bad = target;
            outOfLine.add(() -> {
                asm.bind(l);
                runtimeError(RuntimeError.NO_INSTRUCTION, bad);
            });
        }
        return noInstruction;
    }

    /// Reports `error` at the current slot through the engine, then leaves the program.
    private void runtimeError(RuntimeError error, long detail) {
        asm.runtimeErrorArguments(error, slot, detail);
        poolCall(new PoolEntry.Runtime(RuntimeEntry.ERROR));
        b(unwind);
    }

    private static Arm64Reg reg(Reg r) {
        return Arm64RegisterMap.of(r);
    }

    private static OpSize size(Width w) {
        return w == Width.W64 ? OpSize.X : OpSize.W;
    }

    /// The operand value of an immediate at `size`: sign-extended to 64 bits, or its 32 bits.
    private static long immediate(int k, OpSize size) {
        return size == OpSize.X ? k : k & 0xffff_ffffL;
    }

    // ---- instructions -----------------------------------------------------------------------

    private void lower(int index, Insn insn) {
        switch (insn) {
            case Insn.Alu a -> alu(a);
            case Insn.Endian e -> endian(e);
            case Insn.Load l -> access(Arm64Assembler.loadOp(l.size(), l.signExtend()), reg(l.dst()), reg(l.base()), l.offset());
            case Insn.Store s -> {
                Arm64Reg value;
                if (s.value() instanceof Reg r) value = reg(r);
                else {
                    long k = ((Imm) s.value()).value();
                    if (k == 0) value = ZR;
                    else {
                        materialize(SCRATCH0, k, s.size() == Size.DW ? OpSize.X : OpSize.W);
                        value = SCRATCH0;
                    }
                }
                access(Arm64Assembler.storeOp(s.size()), value, reg(s.base()), s.offset());
            }
            case Insn.Atomic a -> atomic(a);
            case Insn.LoadImm64 l -> loadImm64(index, l);
            case Insn.LoadPacket lp -> loadPacket(lp);
            case Insn.Jump j -> jump(index, j);
            case Insn.Goto g -> b(slotLabel(program.branchTarget(index)));
            case Insn.Call c -> {
                switch (c.kind()) {
                    case HELPER -> {
                        poolCall(new PoolEntry.Helper(c.imm()));
                        emit(Arm64Insn.mov(OpSize.X, reg(Reg.R0), R0));
                    }
                    case LOCAL -> localCall(program.branchTarget(index));
                    case KFUNC -> runtimeError(RuntimeError.KFUNC, c.imm());
                }
            }
            case Insn.CallIndirect c -> callIndirect(reg(c.target()));
            case Insn.Exit e -> {
                if (localCalls) {
                    // Back at the anchor means depth 0: leave the program; otherwise return to the caller.
                    emit(new Arm64Insn.AddSubExtended(AddSubOp.SUBS, OpSize.X, ZR, SP, ANCHOR, Arm64Insn.Extend.UXTX, 0));
                    bCond(Arm64Cond.EQ, unwind);
                    emit(Arm64Insn.ret());
                } else {
                    b(unwind); // without local calls every exit is at depth 0
                }
            }
        }
    }

    /// A load or store at `base + offset`: the scaled unsigned form, else the unscaled signed
    /// 9-bit form, else the offset in x10 as an index.
    private void access(MemOp op, Arm64Reg rt, Arm64Reg base, int offset) {
        asm.access(op, rt, base, offset, SCRATCH1);
    }

    /// `rd = rn ± value` (ADD/SUB immediate when `value` or its negation fits, else through x9).
    private void addImmediate(OpSize z, Arm64Reg rd, Arm64Reg rn, long value) {
        asm.addImmediate(z, rd, rn, value, SCRATCH0);
    }

    private void alu(Insn.Alu a) {
        Arm64Reg d = reg(a.dst());
        OpSize z = size(a.width());
        Arm64Reg s = a.src() instanceof Reg r ? reg(r) : null;
        int k = a.src() instanceof Imm(int v) ? v : 0;
        // W-register results zero the upper half: BPF's ALU32 rule, for every operation below.
        switch (a.op()) {
            case ADD, SUB -> {
                if (s != null) {
                    emit(new Arm64Insn.AddSubShifted(a.op() == AluOp.ADD ? AddSubOp.ADD : AddSubOp.SUB, z, d, d, s, Shift.LSL, 0));
                } else {
                    long v = immediate(k, z);
                    addImmediate(z, d, d, a.op() == AluOp.ADD ? v : z.mask(-v));
                }
            }
            case OR, AND, XOR -> {
                LogicOp op = switch (a.op()) {
                    case OR -> LogicOp.ORR;
                    case AND -> LogicOp.AND;
                    default -> LogicOp.EOR;
                };
                if (s == null) {
                    long v = immediate(k, z);
                    if (LogicalImmediate.encode(v, z.bits).isPresent()) {
                        emit(new Arm64Insn.LogicalImm(op, z, d, d, v));
                        return;
                    }
                    materialize(SCRATCH0, v, z);
                    s = SCRATCH0;
                }
                emit(new Arm64Insn.LogicalShifted(op, z, d, d, s, Shift.LSL, 0));
            }
            case MOV -> {
                if (s != null) emit(Arm64Insn.mov(z, d, s));
                else materialize(d, immediate(k, z), z);
            }
            case MUL -> {
                if (s == null) {
                    materialize(SCRATCH0, immediate(k, z), z);
                    s = SCRATCH0;
                }
                emit(Arm64Insn.mul(z, d, d, s));
            }
            case NEG -> emit(Arm64Insn.neg(z, d, d));
            case LSH, RSH, ARSH -> shift(a.op(), z, d, s, k);
            case DIV, SDIV, MOD, SMOD -> divide(a.op(), z, d, s, k);
            case MOVSX8 -> emit(Arm64Insn.signExtend(z, d, s, 8));
            case MOVSX16 -> emit(Arm64Insn.signExtend(z, d, s, 16));
            case MOVSX32 -> emit(Arm64Insn.signExtend(z, d, s, 32));
        }
    }

    /// `lslv`/`lsrv`/`asrv` take the count modulo the register width, exactly BPF's masking; an
    /// immediate count is masked here. A 32-bit shift by 0 still has to zero the upper half.
    private void shift(AluOp op, OpSize z, Arm64Reg d, Arm64Reg s, int k) {
        if (s != null) {
            TwoSourceOp t = switch (op) {
                case LSH -> TwoSourceOp.LSLV;
                case RSH -> TwoSourceOp.LSRV;
                default -> TwoSourceOp.ASRV;
            };
            emit(new Arm64Insn.TwoSource(t, z, d, d, s));
            return;
        }
        int count = k & (z.bits - 1);
        if (count == 0) {
            if (z == OpSize.W) emit(Arm64Insn.mov(OpSize.W, d, d));
            return;
        }
        emit(switch (op) {
            case LSH -> Arm64Insn.lsl(z, d, d, count);
            case RSH -> Arm64Insn.lsr(z, d, d, count);
            default -> Arm64Insn.asr(z, d, d, count);
        });
    }

    /// Division and modulo with BPF's total semantics ([Arm64Assembler#divide]): `d = d / s`, or
    /// `q = d / s; d = d - q·s` with q in x10.
    private void divide(AluOp op, OpSize z, Arm64Reg d, Arm64Reg s, int k) {
        if (s == null) {
            materialize(SCRATCH0, immediate(k, z), z);
            s = SCRATCH0;
        }
        boolean signed = op == AluOp.SDIV || op == AluOp.SMOD;
        asm.divide(signed, op == AluOp.MOD || op == AluOp.SMOD, z, d, d, s, SCRATCH1);
    }

    private void endian(Insn.Endian e) {
        Arm64Reg d = reg(e.dst());
        if (e.op() == EndianOp.LE) {
            // ebpfc hosts are little-endian: `le` only truncates.
            switch (e.bits()) {
                case 16 -> emit(Arm64Insn.zeroExtend(d, d, 16));
                case 32 -> emit(Arm64Insn.mov(OpSize.W, d, d));
                default -> {
                }
            }
            return;
        }
        asm.byteSwap(e.bits(), d, d);
    }

    // ---- atomics ----------------------------------------------------------------------------

    private void atomic(Insn.Atomic a) {
        OpSize z = a.size() == Size.DW ? OpSize.X : OpSize.W;
        Arm64Reg s = reg(a.src());
        // Exclusive and LSE accesses take a bare base register: the address goes to x10 first.
        Arm64Reg addr = reg(a.base());
        if (a.offset() != 0) {
            addImmediate(OpSize.X, SCRATCH1, addr, a.offset());
            addr = SCRATCH1;
        }
        if (options.lse()) atomicLse(a, z, s, addr);
        else atomicExclusive(a, z, s, addr);
    }

    /// Load-acquire exclusive / store-release exclusive loops (Armv8.0): x11 the old value, x12
    /// the new one, w13 the store's status. `cmpxchg` leaves the loop without storing when the
    /// old value differs from r0.
    private void atomicExclusive(Insn.Atomic a, OpSize z, Arm64Reg s, Arm64Reg addr) {
        Arm64Reg old = SCRATCH2, updated = SCRATCH3, status = SCRATCH4;
        Arm64Reg r0 = reg(Reg.R0);
        // The W forms of mov zero-extend, as BPF wants the 32-bit old value.
        if (a.op() == dev.ebpfc.frontend.insn.AtomicOp.CMPXCHG) {
            asm.exclusiveCmpXchg(z, addr, r0, s, old, status);
            emit(Arm64Insn.mov(z, r0, old));
        } else {
            asm.exclusiveRmw(a.op(), z, addr, s, old, updated, status);
            if (a.fetch()) emit(Arm64Insn.mov(z, s, old));
        }
    }

    /// FEAT_LSE single instructions ([Arm64Assembler#lseRmw]); r0 is CASAL's comparand and
    /// receives the old value, as its Rs does.
    private void atomicLse(Insn.Atomic a, OpSize z, Arm64Reg s, Arm64Reg addr) {
        if (a.op() == dev.ebpfc.frontend.insn.AtomicOp.CMPXCHG) {
            emit(new Arm64Insn.CompareAndSwap(MemOrder.ACQ_REL, z, reg(Reg.R0), s, addr));
        } else {
            boolean fetch = a.fetch() || a.op() == dev.ebpfc.frontend.insn.AtomicOp.XCHG;
            asm.lseRmw(a.op(), z, addr, s, fetch ? s : ZR, SCRATCH2);
        }
    }

    // ---- loads of constants, packets --------------------------------------------------------

    private void loadImm64(int index, Insn.LoadImm64 l) {
        Arm64Reg d = reg(l.dst());
        switch (l.source()) {
            case IMM64 -> materialize(d, l.value(), OpSize.X);
            case MAP_FD, MAP_IDX -> poolLoad(d, new PoolEntry.MapHandle(l.imm()));
            case MAP_VALUE, MAP_IDX_VALUE -> poolLoad(d, new PoolEntry.MapValue(l.imm(), l.nextImm() & 0xffffffffL));
            case FUNC -> poolLoad(d, new PoolEntry.CodeAddress(program.branchTarget(index)));
            case VARIABLE_ADDR -> runtimeError(RuntimeError.VARIABLE_ADDRESS, 0);
        }
    }

    /// `LD_ABS`/`LD_IND` through the engine's packet-load service; like a helper call it may
    /// clobber r1–r5, which BPF allows (the static check treats them as dead afterwards).
    private void loadPacket(Insn.LoadPacket lp) {
        if (lp.index() == null) {
            materialize(R0, lp.imm(), OpSize.X);
        } else {
            // Linux adds index and imm as 32-bit values, then sign-extends the sum.
            addImmediate(OpSize.W, R0, reg(lp.index()), lp.imm());
            emit(Arm64Insn.signExtend(OpSize.X, R0, R0, 32));
        }
        materialize(R1, lp.size().bytes, OpSize.W);
        poolCall(new PoolEntry.Runtime(RuntimeEntry.LOAD_PACKET));
        emit(Arm64Insn.mov(OpSize.X, reg(Reg.R0), R0));
    }

    // ---- control flow -----------------------------------------------------------------------

    private void jump(int index, Insn.Jump j) {
        Arm64Reg d = reg(j.dst());
        OpSize z = size(j.width());
        Arm64Reg s = j.src() instanceof Reg r ? reg(r) : null;
        long v = j.src() instanceof Imm(int k) ? immediate(k, z) : 0;
        if (j.cond() == dev.ebpfc.frontend.insn.Cond.JSET) {
            if (s == null) asm.testImmediate(z, d, v, SCRATCH0);
            else emit(Arm64Insn.tst(z, d, s));
        } else if (s != null) {
            emit(Arm64Insn.cmp(z, d, s));
        } else {
            asm.compareImmediate(z, d, v, SCRATCH0);
        }
        bCond(Arm64Assembler.condition(j.cond()), slotLabel(program.branchTarget(index)));
    }

    /// Fails with CALL_DEPTH unless one more frame fits: `x24 - sp` is 48 × depth, so depth 7
    /// (the last of MAX_FRAMES) is reached when `sp + 48·7 ≤ x24`.
    private void checkDepth() {
        Label tooDeep = asm.label("call_depth");
        int at = slot;
        emit(new Arm64Insn.AddSubImm(AddSubOp.ADD, OpSize.X, SCRATCH0, SP, new Imm12(BYTES_PER_DEPTH * (MemoryLayout.MAX_FRAMES - 1), false)));
        emit(Arm64Insn.cmp(OpSize.X, SCRATCH0, ANCHOR));
        bCond(Arm64Cond.LS, tooDeep);
        outOfLine.add(() -> {
            asm.note("call depth exceeded at slot " + at);
            asm.bind(tooDeep);
            int saved = slot;
            slot = at;
            runtimeError(RuntimeError.CALL_DEPTH, 0);
            slot = saved;
        });
    }

    private void pushBpfFrame() {
        Arm64Reg[] r = Arm64RegisterMap.BPF_CALLEE_SAVED;
        emit(new Arm64Insn.LoadStorePair(PairOp.STP_X, IndexMode.PRE, r[0], r[1], SP, -BYTES_PER_DEPTH));
        emit(new Arm64Insn.LoadStorePair(PairOp.STP_X, IndexMode.OFFSET, r[2], r[3], SP, 16));
        emit(new Arm64Insn.LoadStorePair(PairOp.STP_X, IndexMode.OFFSET, reg(Reg.R10), R30, SP, 32));
        addImmediate(OpSize.X, reg(Reg.R10), reg(Reg.R10), options.frameStride());
    }

    private void popBpfFrame() {
        Arm64Reg[] r = Arm64RegisterMap.BPF_CALLEE_SAVED;
        emit(new Arm64Insn.LoadStorePair(PairOp.LDP_X, IndexMode.OFFSET, reg(Reg.R10), R30, SP, 32));
        emit(new Arm64Insn.LoadStorePair(PairOp.LDP_X, IndexMode.OFFSET, r[2], r[3], SP, 16));
        emit(new Arm64Insn.LoadStorePair(PairOp.LDP_X, IndexMode.POST, r[0], r[1], SP, BYTES_PER_DEPTH));
    }

    /// A BPF-to-BPF call: r6–r9, r10 and the caller's return address saved on the machine stack,
    /// r10 advanced to the next frame (whose bytes are not cleared: BPF programs may not read
    /// stack they did not write).
    private void localCall(int target) {
        checkDepth();
        pushBpfFrame();
        asm.bl(slotLabel(target));
        popBpfFrame();
    }

    /// `callx`: the engine resolves the value (a function's code address, or else a helper id).
    /// r1–r5 and r0 (x0–x4, x7: caller-saved) are kept across the resolution on the machine
    /// stack, because a function or helper receives r1–r5 and the target may be r0; the address
    /// goes to x10, clear of the depth check's x9.
    private void callIndirect(Arm64Reg target) {
        emit(new Arm64Insn.LoadStorePair(PairOp.STP_X, IndexMode.PRE, R0, R1, SP, -48));
        emit(new Arm64Insn.LoadStorePair(PairOp.STP_X, IndexMode.OFFSET, R2, R3, SP, 16));
        emit(new Arm64Insn.LoadStorePair(PairOp.STP_X, IndexMode.OFFSET, R4, R7, SP, 32));
        emit(Arm64Insn.mov(OpSize.X, R0, target));
        poolCall(new PoolEntry.Runtime(RuntimeEntry.RESOLVE_CALLX));
        emit(Arm64Insn.mov(OpSize.X, SCRATCH1, R0));
        emit(new Arm64Insn.LoadStorePair(PairOp.LDP_X, IndexMode.OFFSET, R4, R7, SP, 32));
        emit(new Arm64Insn.LoadStorePair(PairOp.LDP_X, IndexMode.OFFSET, R2, R3, SP, 16));
        emit(new Arm64Insn.LoadStorePair(PairOp.LDP_X, IndexMode.POST, R0, R1, SP, 48));
        Label helper = asm.label("callx_helper"), done = asm.label("callx_done");
        cbz(false, OpSize.X, SCRATCH1, helper);
        checkDepth();
        pushBpfFrame();
        emit(new Arm64Insn.BranchReg(Arm64Insn.BranchRegOp.BLR, SCRATCH1));
        popBpfFrame();
        b(done);
        asm.bind(helper);
        emit(Arm64Insn.mov(OpSize.X, HELPER_ID, target));
        poolCall(new PoolEntry.Runtime(RuntimeEntry.HELPER_BY_ID));
        emit(Arm64Insn.mov(OpSize.X, reg(Reg.R0), R0));
        asm.bind(done);
    }
}
