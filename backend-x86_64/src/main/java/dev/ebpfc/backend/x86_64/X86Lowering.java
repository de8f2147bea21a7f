package dev.ebpfc.backend.x86_64;

import static dev.ebpfc.backend.x86_64.X86Reg.R10;
import static dev.ebpfc.backend.x86_64.X86Reg.R11;
import static dev.ebpfc.backend.x86_64.X86Reg.R12;
import static dev.ebpfc.backend.x86_64.X86Reg.R13;
import static dev.ebpfc.backend.x86_64.X86Reg.R14;
import static dev.ebpfc.backend.x86_64.X86Reg.R15;
import static dev.ebpfc.backend.x86_64.X86Reg.R8;
import static dev.ebpfc.backend.x86_64.X86Reg.R9;
import static dev.ebpfc.backend.x86_64.X86Reg.RAX;
import static dev.ebpfc.backend.x86_64.X86Reg.RBP;
import static dev.ebpfc.backend.x86_64.X86Reg.RBX;
import static dev.ebpfc.backend.x86_64.X86Reg.RCX;
import static dev.ebpfc.backend.x86_64.X86Reg.RDI;
import static dev.ebpfc.backend.x86_64.X86Reg.RDX;
import static dev.ebpfc.backend.x86_64.X86Reg.RSI;
import static dev.ebpfc.backend.x86_64.X86Reg.RSP;

import dev.ebpfc.backend.BytecodeFacts;
import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.CodeBuffer.Label;
import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ConstantPool;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.backend.RuntimeError;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.Cond;
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
import java.util.TreeSet;

/// The x86_64 -O0 code generator: each BPF instruction becomes a fixed x86 sequence over the
/// registers of [X86RegisterMap], in slot order, with no analysis beyond which callee-saved
/// registers the prologue must save. The shape of the code (docs/native-abi.md):
///
/// ```
/// entry:    push rbp, r12 and the used ones of rbx r13 r14 r15; pad rsp to 16
///           r12 = rsp (the anchor); rbp = r10_top (3rd argument); r1, r2 already in rdi, rsi;
///           r0, r3–r5 = 0
/// slot 0…:  the program, every slot labelled (jumps, calls and callx land on any instruction)
/// unwind:   rsp = r12; pop; ret          (also where exit at depth 0 goes)
/// stubs:    out-of-line runtime errors (call depth)
/// pool:     8-byte entries, patched by the loader
/// ```
///
/// A local call pushes r6–r9 and r10 (rbx r13 r14 r15 rbp), advances rbp by the frame stride
/// and `call`s the target slot; BPF `exit` returns with `ret` unless rsp is back at the anchor
/// (depth 0). Each depth adds exactly 48 bytes of machine stack (five registers and the return
/// address), so `r12 - rsp` is 48 × depth: that is the depth check, and rsp stays 16-byte
/// aligned at every call for native execution.
final class X86Lowering {
    /// Machine stack bytes per call depth: five saved registers and a return address.
    static final int BYTES_PER_DEPTH = 48;

    private final ProgramDef def;
    private final Program program;
    private final CompileOptions options;
    private final CodeBuffer<X86Insn> buf = new CodeBuffer<>(X86Encoder::new);
    private final ConstantPool pool = new ConstantPool(buf);
    private final Label[] slotLabels;
    private final Label unwind = buf.label("unwind");
    private final List<Runnable> outOfLine = new ArrayList<>();
    private Label noInstruction;
    private int slot;

    X86Lowering(ProgramDef def, CompileOptions options) {
        this.def = def;
        this.program = def.program();
        this.options = options;
        this.slotLabels = new Label[program.slotCount()];
        for (int i = 0; i < program.size(); i++) slotLabels[program.slot(i)] = buf.label("slot" + program.slot(i));
    }

    CompiledProgram compile() {
        List<X86Reg> saved = savedRegisters();
        boolean pad = saved.size() % 2 == 0;
        // Prologue: the caller's call left rsp ≡ 8 (mod 16); an odd number of pushes realigns it.
        buf.note("prologue");
        for (X86Reg r : saved) emit(new X86Insn.Push(r));
        if (pad) emit(new X86Insn.AluRI(X86Insn.AluOp.SUB, OpSize.Q, RSP, 8));
        emit(new X86Insn.MovRR(OpSize.Q, R12, RSP));
        emit(new X86Insn.MovRR(OpSize.Q, RBP, RDX));
        // BPF registers start at 0 (as in the interpreter): r3–r5 must not carry the caller's values
        // (a program run without the static check may read them); r0 for symmetry.
        for (X86Reg r : new X86Reg[]{RAX, RDX, RCX, R8}) emit(new X86Insn.AluRR(X86Insn.AluOp.XOR, OpSize.L, r, r));
        for (int i = 0; i < program.size(); i++) {
            slot = program.slot(i);
            Insn insn = program.get(i);
            if (options.listing()) buf.note(String.format("%4d: %s", slot, insn));
            buf.bind(slotLabels[slot]);
            lower(i, insn);
        }
        // Running off the end is only possible without the static check; fail like a bad jump.
        slot = program.slotCount();
        buf.note("past the last instruction");
        runtimeError(RuntimeError.NO_INSTRUCTION, program.slotCount());
        buf.note("unwind / exit at depth 0");
        buf.bind(unwind);
        emit(new X86Insn.MovRR(OpSize.Q, RSP, R12));
        if (pad) emit(new X86Insn.AluRI(X86Insn.AluOp.ADD, OpSize.Q, RSP, 8));
        for (int i = saved.size() - 1; i >= 0; i--) emit(new X86Insn.Pop(saved.get(i)));
        emit(new X86Insn.Ret());
        for (int i = 0; i < outOfLine.size(); i++) outOfLine.get(i).run();

        CodeBuffer.Assembled<X86Insn> asm = buf.assemble();
        int poolOffset = pool.offset(asm.code().length);
        List<PoolEntry> entries = pool.entries();
        byte[] code = Arrays.copyOf(asm.code(), poolOffset + 8 * entries.size());
        int[] slotOffsets = new int[program.slotCount()];
        Arrays.fill(slotOffsets, -1);
        for (int s = 0; s < slotLabels.length; s++) if (slotLabels[s] != null) slotOffsets[s] = slotLabels[s].offset();
        TreeSet<Integer> functions = BytecodeFacts.functionSlots(def);
        int[] functionOffsets = functions.stream().mapToInt(s -> slotLabels[s].offset()).toArray();
        // The listing (notes above included) costs more than the rest of compiling: only on request.
        StringBuilder listing = new StringBuilder();
        if (options.listing()) {
            listing.append(asm.listing(l -> X86Printer.print(l.insn(), l.offset())));
            for (int i = 0; i < entries.size(); i++) {
                listing.append(String.format("%6x:  pool[%d] %s%n", poolOffset + 8 * i, i, entries.get(i)));
            }
        }
        return new CompiledProgram("x86_64", code, 0, unwind.offset(), functionOffsets, slotOffsets, poolOffset, entries,
                listing.toString());
    }

    /// rbp and r12 always; rbx, r13, r14, r15 when the program names r6–r9.
    private List<X86Reg> savedRegisters() {
        boolean[] used = BytecodeFacts.namedRegisters(program);
        List<X86Reg> out = new ArrayList<>(List.of(RBP, R12));
        for (int r = 6; r <= 9; r++) if (used[r]) out.add(X86RegisterMap.of(Reg.of(r)));
        return out;
    }

    // ---- emission helpers -------------------------------------------------------------------

    private void emit(X86Insn insn) {
        buf.emit(insn);
    }

    private void jmp(Label target) {
        buf.emit(new X86LabelRefs.Jmp(), target);
    }

    private void jcc(X86Cond cond, Label target) {
        buf.emit(new X86LabelRefs.Jcc(cond), target);
    }

    private void poolLoad(X86Reg dst, PoolEntry entry) {
        X86Runtime.load(buf, pool, dst, entry);
    }

    private void poolCall(PoolEntry entry) {
        X86Runtime.call(buf, pool, entry);
    }

    /// The label of the code for `target`, or a stub reporting that no instruction starts there.
    private Label slotLabel(int target) {
        if (target >= 0 && target < slotLabels.length && slotLabels[target] != null) return slotLabels[target];
        if (noInstruction == null) {
            // One stub per bad target would be nicer for messages, but these programs are invalid anyway.
            Label l = noInstruction = buf.label("no_instruction");
            int bad = target;
            outOfLine.add(() -> {
                buf.bind(l);
                runtimeError(RuntimeError.NO_INSTRUCTION, bad);
            });
        }
        return noInstruction;
    }

    /// Reports `error` at the current slot through the engine, then leaves the program.
    private void runtimeError(RuntimeError error, long detail) {
        X86Runtime.error(buf, pool, unwind, error, slot, detail);
    }

    private static X86Reg reg(Reg r) {
        return X86RegisterMap.of(r);
    }

    private static OpSize size(Width w) {
        return w == Width.W64 ? OpSize.Q : OpSize.L;
    }

    // ---- instructions -----------------------------------------------------------------------

    private void lower(int index, Insn insn) {
        switch (insn) {
            case Insn.Alu a -> alu(a);
            case Insn.Endian e -> endian(e);
            case Insn.Load l -> emit(new X86Insn.Load(X86Insn.Extend.load(l.size(), l.signExtend()), reg(l.dst()), new X86Mem(reg(l.base()), l.offset())));
            case Insn.Store s -> {
                X86Mem m = new X86Mem(reg(s.base()), s.offset());
                OpSize sz = OpSize.ofBytes(s.size().bytes);
                if (s.value() instanceof Reg r) emit(new X86Insn.Store(sz, m, reg(r)));
                else emit(new X86Insn.StoreImm(sz, m, ((Imm) s.value()).value()));
            }
            case Insn.Atomic a -> atomic(a);
            case Insn.LoadImm64 l -> loadImm64(index, l);
            case Insn.LoadPacket lp -> loadPacket(lp);
            case Insn.Jump j -> jump(index, j);
            case Insn.Goto g -> jmp(slotLabel(program.branchTarget(index)));
            case Insn.Call c -> {
                switch (c.kind()) {
                    case HELPER -> poolCall(new PoolEntry.Helper(c.imm()));
                    case LOCAL -> localCall(program.branchTarget(index));
                    case KFUNC -> runtimeError(RuntimeError.KFUNC, c.imm());
                }
            }
            case Insn.CallIndirect c -> callIndirect(reg(c.target()));
            case Insn.Exit e -> {
                // Back at the anchor means depth 0: leave the program; otherwise return to the caller.
                emit(new X86Insn.AluRR(X86Insn.AluOp.CMP, OpSize.Q, RSP, R12));
                jcc(X86Cond.E, unwind);
                emit(new X86Insn.Ret());
            }
        }
    }

    private void alu(Insn.Alu a) {
        X86Reg d = reg(a.dst());
        OpSize sz = size(a.width());
        X86Insn.AluOp simple = switch (a.op()) {
            case ADD -> X86Insn.AluOp.ADD;
            case SUB -> X86Insn.AluOp.SUB;
            case OR -> X86Insn.AluOp.OR;
            case AND -> X86Insn.AluOp.AND;
            case XOR -> X86Insn.AluOp.XOR;
            default -> null;
        };
        if (simple != null) {
            // 32-bit forms write the low half and zero the high half, which is BPF's ALU rule.
            if (a.src() instanceof Reg r) emit(new X86Insn.AluRR(simple, sz, d, reg(r)));
            else emit(new X86Insn.AluRI(simple, sz, d, ((Imm) a.src()).value()));
            return;
        }
        switch (a.op()) {
            case MOV -> {
                if (a.src() instanceof Reg r) emit(new X86Insn.MovRR(sz, d, reg(r)));
                else {
                    int k = ((Imm) a.src()).value();
                    emit(sz == OpSize.Q ? new X86Insn.MovRI(OpSize.Q, d, k) : new X86Insn.MovRI(OpSize.L, d, k & 0xffffffffL));
                }
            }
            case MUL -> {
                if (a.src() instanceof Reg r) emit(new X86Insn.ImulRR(sz, d, reg(r)));
                else emit(new X86Insn.ImulRRI(sz, d, d, ((Imm) a.src()).value()));
            }
            case NEG -> emit(new X86Insn.Unary(X86Insn.UnaryOp.NEG, sz, d));
            case LSH, RSH, ARSH -> shift(a, d, sz);
            case DIV, SDIV, MOD, SMOD -> divide(a, d, sz);
            case MOVSX8, MOVSX16, MOVSX32 -> {
                X86Reg s = reg((Reg) a.src());
                X86Insn.Extend k = switch (a.op()) {
                    case MOVSX8 -> sz == OpSize.Q ? X86Insn.Extend.MOVSBQ : X86Insn.Extend.MOVSBL;
                    case MOVSX16 -> sz == OpSize.Q ? X86Insn.Extend.MOVSWQ : X86Insn.Extend.MOVSWL;
                    default -> X86Insn.Extend.MOVSLQ;
                };
                emit(new X86Insn.ExtendRR(k, d, s));
            }
            default -> throw new IllegalStateException("unhandled ALU operation " + a.op());
        }
    }

    /// Shifts: x86 masks the count to 5 or 6 bits exactly as BPF does. A variable count must be
    /// in cl, so rcx (BPF r4) is parked in r11 around the shift unless the count already is r4.
    private void shift(Insn.Alu a, X86Reg d, OpSize sz) {
        X86Insn.ShiftOp op = switch (a.op()) {
            case LSH -> X86Insn.ShiftOp.SHL;
            case RSH -> X86Insn.ShiftOp.SHR;
            default -> X86Insn.ShiftOp.SAR;
        };
        if (a.src() instanceof Imm(int k)) {
            int count = k & (sz == OpSize.Q ? 63 : 31);
            // A shift by 0 writes nothing, so a 32-bit one would not zero-extend: do it explicitly.
            if (count != 0) emit(new X86Insn.ShiftRI(op, sz, d, count));
            else if (sz == OpSize.L) emit(new X86Insn.MovRR(OpSize.L, d, d));
            return;
        }
        X86Reg s = reg((Reg) a.src());
        if (s == RCX) {
            emit(new X86Insn.ShiftRCl(op, sz, d));
        } else {
            emit(new X86Insn.MovRR(OpSize.Q, R11, RCX));
            emit(new X86Insn.MovRR(OpSize.Q, RCX, s));
            if (d == RCX) {
                // The value to shift was parked in r11 with rcx; the result goes back to rcx.
                emit(new X86Insn.ShiftRCl(op, sz, R11));
                emit(new X86Insn.MovRR(OpSize.Q, RCX, R11));
            } else {
                emit(new X86Insn.ShiftRCl(op, sz, d));
                emit(new X86Insn.MovRR(OpSize.Q, RCX, R11));
            }
        }
        // Same reason as above: a count of 0 at run time leaves the high half of a 32-bit shift.
        if (sz == OpSize.L) emit(new X86Insn.MovRR(OpSize.L, d, d));
    }

    /// Division and modulo with BPF's total semantics ([X86Division]). The divisor goes to r11;
    /// rax and rdx (BPF r0, r3) are saved in r9/r10 unless they are the destination.
    private void divide(Insn.Alu a, X86Reg d, OpSize sz) {
        boolean signed = a.op() == AluOp.SDIV || a.op() == AluOp.SMOD;
        boolean mod = a.op() == AluOp.MOD || a.op() == AluOp.SMOD;
        if (a.src() instanceof Imm(int k)) {
            // The divisor is known: emit only the path it takes.
            if (k == 0) divideByZero(d, sz, mod);
            else if (signed && k == -1) divideByMinusOne(d, sz, mod);
            else {
                emit(sz == OpSize.Q ? new X86Insn.MovRI(OpSize.Q, R11, k) : new X86Insn.MovRI(OpSize.L, R11, k & 0xffffffffL));
                divideCore(d, sz, signed, mod);
            }
            return;
        }
        emit(new X86Insn.MovRR(sz, X86Division.DIVISOR, reg((Reg) a.src())));
        X86Division.guarded(buf, sz, signed, () -> divideCore(d, sz, signed, mod), () -> divideByZero(d, sz, mod),
                () -> divideByMinusOne(d, sz, mod));
    }

    private void divideCore(X86Reg d, OpSize sz, boolean signed, boolean mod) {
        if (d != RAX) emit(new X86Insn.MovRR(OpSize.Q, R9, RAX));
        if (d != RDX) emit(new X86Insn.MovRR(OpSize.Q, R10, RDX));
        if (d != RAX) emit(new X86Insn.MovRR(sz, RAX, d));
        X86Division.divide(buf, sz, signed);
        // 32-bit div writes eax/edx zero-extended, so the moves below keep BPF's zero-extension.
        emit(new X86Insn.MovRR(sz, R11, mod ? RDX : RAX));
        if (d != RAX) emit(new X86Insn.MovRR(OpSize.Q, RAX, R9));
        if (d != RDX) emit(new X86Insn.MovRR(OpSize.Q, RDX, R10));
        emit(new X86Insn.MovRR(OpSize.Q, d, R11));
    }

    private void divideByZero(X86Reg d, OpSize sz, boolean mod) {
        if (!mod) emit(new X86Insn.MovRI(OpSize.L, d, 0));
        else if (sz == OpSize.L) emit(new X86Insn.MovRR(OpSize.L, d, d));
    }

    private void divideByMinusOne(X86Reg d, OpSize sz, boolean mod) {
        if (mod) emit(new X86Insn.MovRI(OpSize.L, d, 0));
        else emit(new X86Insn.Unary(X86Insn.UnaryOp.NEG, sz, d)); // -MIN wraps to MIN, as BPF wants
    }

    private void endian(Insn.Endian e) {
        X86Reg d = reg(e.dst());
        if (e.op() == EndianOp.LE) {
            // ebpfc hosts are little-endian: `le` only truncates.
            switch (e.bits()) {
                case 16 -> emit(new X86Insn.ExtendRR(X86Insn.Extend.MOVZWL, d, d));
                case 32 -> emit(new X86Insn.MovRR(OpSize.L, d, d));
                default -> {
                }
            }
            return;
        }
        switch (e.bits()) {
            case 16 -> {
                emit(new X86Insn.Bswap(OpSize.L, d));
                emit(new X86Insn.ShiftRI(X86Insn.ShiftOp.SHR, OpSize.L, d, 16));
            }
            case 32 -> emit(new X86Insn.Bswap(OpSize.L, d));
            default -> emit(new X86Insn.Bswap(OpSize.Q, d));
        }
    }

    private void atomic(Insn.Atomic a) {
        OpSize sz = a.size() == Size.DW ? OpSize.Q : OpSize.L;
        X86Mem m = new X86Mem(reg(a.base()), a.offset());
        X86Reg s = reg(a.src());
        X86Insn.AluOp op = switch (a.op()) {
            case ADD -> X86Insn.AluOp.ADD;
            case OR -> X86Insn.AluOp.OR;
            case AND -> X86Insn.AluOp.AND;
            case XOR -> X86Insn.AluOp.XOR;
            default -> null;
        };
        switch (a.op()) {
            case XCHG -> emit(new X86Insn.Xchg(sz, m, s));
            case CMPXCHG -> {
                emit(new X86Insn.LockCmpxchg(sz, m, s));
                // A successful 32-bit cmpxchg leaves rax untouched; BPF wants r0 = zero-extended old value.
                if (sz == OpSize.L) emit(new X86Insn.MovRR(OpSize.L, RAX, RAX));
            }
            default -> {
                if (!a.fetch()) emit(new X86Insn.LockAlu(op, sz, m, s));
                else if (a.op() == AtomicOp.ADD) emit(new X86Insn.LockXadd(sz, m, s));
                else fetchLoop(op, sz, m, s);
            }
        }
    }

    /// Fetching or/and/xor have no x86 instruction: a `lock cmpxchg` loop through rax, with r0
    /// parked in r9 and the address computed into r10 first (the base may be r0 itself).
    private void fetchLoop(X86Insn.AluOp op, OpSize sz, X86Mem m, X86Reg s) {
        emit(new X86Insn.Lea(R10, m));
        emit(new X86Insn.MovRR(OpSize.Q, R9, RAX));
        X86Reg value = s == RAX ? R9 : s;
        X86Mem at = new X86Mem(R10, 0);
        emit(new X86Insn.Load(sz == OpSize.Q ? X86Insn.Extend.MOVQ : X86Insn.Extend.MOVL, RAX, at));
        Label retry = buf.label("cmpxchg_retry");
        buf.bind(retry);
        emit(new X86Insn.MovRR(OpSize.Q, R11, RAX));
        emit(new X86Insn.AluRR(op, sz, R11, value));
        emit(new X86Insn.LockCmpxchg(sz, at, R11));
        jcc(X86Cond.NE, retry);
        emit(new X86Insn.MovRR(sz, R11, RAX));
        emit(new X86Insn.MovRR(OpSize.Q, RAX, R9));
        emit(new X86Insn.MovRR(OpSize.Q, s, R11));
    }

    private void loadImm64(int index, Insn.LoadImm64 l) {
        X86Reg d = reg(l.dst());
        switch (l.source()) {
            case IMM64 -> emit(new X86Insn.MovRI(OpSize.Q, d, l.value()));
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
            emit(new X86Insn.MovRI(OpSize.Q, RDI, lp.imm()));
        } else {
            // imm + index as 32-bit integers, then sign-extended, as the interpreter and Linux compute
            // it: a 64-bit sum would miss the wrap (0x80000000 + 0x80000000 is offset 0).
            emit(new X86Insn.MovRR(OpSize.L, RDI, reg(lp.index())));
            emit(new X86Insn.AluRI(X86Insn.AluOp.ADD, OpSize.L, RDI, lp.imm()));
            emit(new X86Insn.ExtendRR(X86Insn.Extend.MOVSLQ, RDI, RDI));
        }
        emit(new X86Insn.MovRI(OpSize.L, RSI, lp.size().bytes));
        poolCall(new PoolEntry.Runtime(RuntimeEntry.LOAD_PACKET));
    }

    private void jump(int index, Insn.Jump j) {
        X86Reg d = reg(j.dst());
        OpSize sz = size(j.width());
        if (j.cond() == Cond.JSET) {
            if (j.src() instanceof Reg r) emit(new X86Insn.TestRR(sz, d, reg(r)));
            else emit(new X86Insn.TestRI(sz, d, ((Imm) j.src()).value()));
        } else {
            if (j.src() instanceof Reg r) emit(new X86Insn.AluRR(X86Insn.AluOp.CMP, sz, d, reg(r)));
            else emit(new X86Insn.AluRI(X86Insn.AluOp.CMP, sz, d, ((Imm) j.src()).value()));
        }
        jcc(X86Cond.of(j.cond()), slotLabel(program.branchTarget(index)));
    }

    /// Fails with CALL_DEPTH unless one more frame fits: `r12 - rsp` is 48 × depth.
    private void checkDepth() {
        Label tooDeep = buf.label("call_depth");
        int at = slot;
        emit(new X86Insn.MovRR(OpSize.Q, R10, R12));
        emit(new X86Insn.AluRR(X86Insn.AluOp.SUB, OpSize.Q, R10, RSP));
        emit(new X86Insn.AluRI(X86Insn.AluOp.CMP, OpSize.Q, R10, BYTES_PER_DEPTH * (MemoryLayout.MAX_FRAMES - 1)));
        jcc(X86Cond.AE, tooDeep);
        outOfLine.add(() -> {
            buf.note("call depth exceeded at slot " + at);
            buf.bind(tooDeep);
            int saved = slot;
            slot = at;
            runtimeError(RuntimeError.CALL_DEPTH, 0);
            slot = saved;
        });
    }

    private void pushBpfFrame() {
        for (X86Reg r : X86RegisterMap.BPF_CALLEE_SAVED) emit(new X86Insn.Push(r));
        emit(new X86Insn.Push(RBP));
        emit(new X86Insn.AluRI(X86Insn.AluOp.ADD, OpSize.Q, RBP, (int) options.frameStride()));
    }

    private void popBpfFrame() {
        emit(new X86Insn.Pop(RBP));
        for (int i = X86RegisterMap.BPF_CALLEE_SAVED.length - 1; i >= 0; i--) emit(new X86Insn.Pop(X86RegisterMap.BPF_CALLEE_SAVED[i]));
    }

    /// A BPF-to-BPF call: r6–r9 and r10 saved on the machine stack, r10 advanced to the next
    /// frame (whose bytes are not cleared: BPF programs may not read stack they did not write).
    private void localCall(int target) {
        checkDepth();
        pushBpfFrame();
        buf.emit(new X86LabelRefs.Call(), slotLabel(target));
        popBpfFrame();
    }

    /// `callx`: the engine resolves the value (a function's code address, or else a helper id);
    /// r1–r5 are kept across the resolution because a function or helper receives them, and r0
    /// because a function may still see it. The target is copied to r9 before anything else:
    /// the resolution returns in rax, so reading the target afterwards would read the resolved
    /// address instead when the target is r0 (found by fuzzing: `callx r0` called helper 0).
    /// r9 is saved and restored with the arguments, so the helper path finds the id there.
    private void callIndirect(X86Reg target) {
        emit(new X86Insn.MovRR(OpSize.Q, R9, target));
        X86Reg[] saved = {RAX, RDI, RSI, RDX, RCX, R8, R9, R10}; // eight pushes keep rsp 16-byte aligned
        for (X86Reg r : saved) emit(new X86Insn.Push(r));
        emit(new X86Insn.MovRR(OpSize.Q, RDI, R9));
        poolCall(new PoolEntry.Runtime(RuntimeEntry.RESOLVE_CALLX));
        emit(new X86Insn.MovRR(OpSize.Q, R11, RAX));
        for (int i = saved.length - 1; i >= 0; i--) emit(new X86Insn.Pop(saved[i]));
        Label helper = buf.label("callx_helper"), done = buf.label("callx_done");
        emit(new X86Insn.TestRR(OpSize.Q, R11, R11));
        jcc(X86Cond.E, helper);
        checkDepth();
        pushBpfFrame();
        emit(new X86Insn.CallR(R11));
        popBpfFrame();
        jmp(done);
        buf.bind(helper);
        poolCall(new PoolEntry.Runtime(RuntimeEntry.HELPER_BY_ID));
        buf.bind(done);
    }
}
