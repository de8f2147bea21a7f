package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Operand;
import dev.ebpfc.frontend.insn.PacketMode;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/// A small seeded generator of valid, terminating BPF programs for the conformance convention
/// (r1 = 64 bytes of `mem`, r2 = its length, the conformance helper table): ALU and ALU32 with
/// every operation (v4 signed division and sign-extending moves included), byte swaps, `lddw`,
/// loads, stores and atomics on the stack (through r10 and through derived stack pointers) and on
/// `mem`, JMP and JMP32 conditions over forward `if`/`if-else` blocks, early exits, bounded loops
/// (a counter in r6–r8, JMP or JMP32 back edge), helper calls (which leave r1–r5 undefined),
/// legacy packet loads, and local calls to generated subfunctions.
///
/// Programs are valid by construction: the generator tracks the registers set on every path (a
/// read of an unset register first gets a `mov`), keeps r9 as the `mem` pointer and never writes
/// r10. Every memory access is in bounds except legacy packet loads past the end, which end the
/// program with r0 = 0 by definition. Not the full fuzzing generator (that lives in
/// emulator-tests): this one exists to exercise the lifter.
final class BpfProgramGenerator {
    static final int MEM_SIZE = 64;
    private static final int ARGS = 0b11_1110;
    private static final AluOp[] BINARY = {AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.DIV, AluOp.SDIV, AluOp.OR, AluOp.AND,
            AluOp.LSH, AluOp.RSH, AluOp.MOD, AluOp.SMOD, AluOp.XOR, AluOp.ARSH};
    private static final long[] INTERESTING = {0, 1, -1, 2, 7, 31, 32, 63, 64, 0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL,
            Long.MIN_VALUE, Long.MAX_VALUE, 0x1_0000_0000L, -0x8000_0000L, 0xff, 0x100};

    /// One item of code: an instruction, or a branch whose target is a label.
    private record Item(Insn insn, Width width, Cond cond, Reg dst, Operand src, int label, boolean call) {
    }

    private final Random rnd;
    private final List<Item> items = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();
    private final List<Integer> functionLabels = new ArrayList<>();
    private int init;
    private int reserved;
    /// Registers holding a stack pointer, and its offset from r10 (valid while `stackPtrMask` has them).
    private int stackPtrMask;
    private final int[] stackPtrOffset = new int[11];
    private int budget;
    private int depth;
    private int functionsLeft;

    BpfProgramGenerator(long seed) {
        this.rnd = new Random(seed);
    }

    /// The input memory for a program of this seed.
    static byte[] mem(long seed) {
        byte[] m = new byte[MEM_SIZE];
        new Random(seed ^ 0x5eed).nextBytes(m);
        return m;
    }

    ProgramDef generate() {
        int subs = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(2) : 0;
        for (int i = 0; i < subs; i++) functionLabels.add(newLabel());
        // main
        init = 1 << 1 | 1 << 2 | 1 << 10;
        reserved = 1 << 9 | 1 << 10;
        emit(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R9, Reg.R1));
        init |= 1 << 9;
        functionsLeft = subs;
        budget = 20 + rnd.nextInt(50);
        body(0);
        finish();
        // subfunctions: r1 = mem, r2 and r3 integers; each may call only later ones
        for (int i = 0; i < subs; i++) {
            bind(functionLabels.get(i));
            init = 1 << 1 | 1 << 2 | 1 << 3 | 1 << 10;
            reserved = 1 << 9 | 1 << 10;
            stackPtrMask = 0;
            emit(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R9, Reg.R1));
            init |= 1 << 9;
            functionsLeft = subs - i - 1;
            budget = 8 + rnd.nextInt(20);
            body(0);
            finish();
        }
        return ProgramDef.of("gen", build());
    }

    // ---- statements -----------------------------------------------------------------------------

    private void body(int level) {
        while (budget > 0) {
            budget--;
            statement(level);
        }
    }

    private void statement(int level) {
        int k = rnd.nextInt(100);
        if (k < 22) alu64();
        else if (k < 36) alu32();
        else if (k < 39) endian();
        else if (k < 41) emit(Insn.LoadImm64.constant(dst(), value()));
        else if (k < 51) memory();
        else if (k < 56) atomic();
        else if (k < 59) stackPointer();
        else if (k < 68 && level < 3) ifBlock(level);
        else if (k < 72 && level < 2) loop(level);
        else if (k < 78) helperCall();
        else if (k < 81) packetLoad();
        else if (k < 84 && functionsLeft > 0) localCall();
        else if (k < 86 && level > 0) earlyExit();
        else alu64();
    }

    private void alu64() {
        Reg d = dst();
        int r = rnd.nextInt(20);
        if (r == 0) {
            write(d, new Insn.Alu(Width.W64, AluOp.MOV, d, src()));
        } else if (r == 1) {
            AluOp op = new AluOp[]{AluOp.MOVSX8, AluOp.MOVSX16, AluOp.MOVSX32}[rnd.nextInt(3)];
            write(d, new Insn.Alu(Width.W64, op, d, srcReg()));
        } else if (r == 2) {
            ensure(d);
            write(d, new Insn.Alu(Width.W64, AluOp.NEG, d, Imm.ZERO));
        } else {
            ensure(d);
            AluOp op = BINARY[rnd.nextInt(BINARY.length)];
            write(d, new Insn.Alu(Width.W64, op, d, op.isShift() && rnd.nextBoolean() ? new Imm(rnd.nextInt(64)) : src()));
        }
    }

    private void alu32() {
        Reg d = dst();
        int r = rnd.nextInt(20);
        if (r == 0) {
            write(d, new Insn.Alu(Width.W32, AluOp.MOV, d, src()));
        } else if (r == 1) {
            write(d, new Insn.Alu(Width.W32, rnd.nextBoolean() ? AluOp.MOVSX8 : AluOp.MOVSX16, d, srcReg()));
        } else if (r == 2) {
            ensure(d);
            write(d, new Insn.Alu(Width.W32, AluOp.NEG, d, Imm.ZERO));
        } else {
            ensure(d);
            AluOp op = BINARY[rnd.nextInt(BINARY.length)];
            write(d, new Insn.Alu(Width.W32, op, d, op.isShift() && rnd.nextBoolean() ? new Imm(rnd.nextInt(32)) : src()));
        }
    }

    private void endian() {
        Reg d = dst();
        ensure(d);
        EndianOp op = EndianOp.values()[rnd.nextInt(3)];
        write(d, new Insn.Endian(op, new int[]{16, 32, 64}[rnd.nextInt(3)], d));
    }

    private void memory() {
        Size size = Size.values()[rnd.nextInt(4)];
        boolean load = rnd.nextBoolean();
        Reg base;
        int off;
        int pick = rnd.nextInt(3);
        if (pick == 0) {
            base = Reg.R9;
            off = rnd.nextInt(MEM_SIZE / size.bytes) * size.bytes;
        } else if (pick == 1 && stackPtrMask != 0) {
            base = Reg.of(Integer.numberOfTrailingZeros(Integer.lowestOneBit(stackPtrMask)));
            off = stackSlot(size) - stackPtrOffset[base.number()];
        } else {
            base = Reg.R10;
            off = stackSlot(size);
        }
        if (load) {
            Reg d = dst();
            boolean sx = size != Size.DW && rnd.nextInt(4) == 0;
            write(d, new Insn.Load(size, sx, d, base, (short) off));
        } else {
            Operand v = rnd.nextBoolean() ? new Imm((int) value()) : srcReg();
            emit(new Insn.Store(size, base, (short) off, v));
        }
    }

    private void atomic() {
        Size size = rnd.nextBoolean() ? Size.W : Size.DW;
        boolean mem = rnd.nextBoolean();
        Reg base = mem ? Reg.R9 : Reg.R10;
        int off = mem ? rnd.nextInt(MEM_SIZE / size.bytes) * size.bytes : stackSlot(size);
        AtomicOp op = AtomicOp.values()[rnd.nextInt(AtomicOp.values().length)];
        boolean fetch = op.requiresFetch() || rnd.nextBoolean();
        if (op == AtomicOp.CMPXCHG) {
            ensure(Reg.R0);
            Reg s = srcReg();
            emit(new Insn.Atomic(size, op, true, base, (short) off, s));
            stackPtrMask &= ~1;
            return;
        }
        Reg s = fetch ? dst() : srcReg();
        ensure(s);
        emit(new Insn.Atomic(size, op, fetch, base, (short) off, s));
        if (fetch) stackPtrMask &= ~(1 << s.number());
    }

    /// `rX = r10 - k`, then memory through it.
    private void stackPointer() {
        Reg d = dst();
        int k = 8 * (1 + rnd.nextInt(32));
        emit(new Insn.Alu(Width.W64, AluOp.MOV, d, Reg.R10));
        emit(new Insn.Alu(Width.W64, AluOp.ADD, d, new Imm(-k)));
        init |= 1 << d.number();
        stackPtrMask |= 1 << d.number();
        stackPtrOffset[d.number()] = -k;
    }

    private void ifBlock(int level) {
        int skip = newLabel();
        condJump(skip);
        int before = init;
        stackPtrMask = 0;
        int inner = Math.min(budget, 1 + rnd.nextInt(6));
        budget -= inner;
        int saved = budget;
        budget = inner;
        body(level + 1);
        budget = saved;
        int afterThen = init;
        if (rnd.nextInt(3) == 0) {
            int end = newLabel();
            items.add(new Item(null, null, null, null, null, end, false));
            bind(skip);
            init = before;
            stackPtrMask = 0;
            int inner2 = Math.min(budget, 1 + rnd.nextInt(4));
            budget -= inner2;
            saved = budget;
            budget = inner2;
            body(level + 1);
            budget = saved;
            bind(end);
            init &= afterThen;
        } else {
            bind(skip);
            init = before & afterThen;
        }
        stackPtrMask = 0;
    }

    private void condJump(int label) {
        Width w = rnd.nextBoolean() ? Width.W64 : Width.W32;
        Cond c = Cond.values()[rnd.nextInt(Cond.values().length)];
        Reg a = srcReg();
        Operand b = rnd.nextBoolean() ? new Imm((int) value()) : srcReg();
        items.add(new Item(null, w, c, a, b, label, false));
    }

    private void loop(int level) {
        Reg counter = null;
        for (Reg r : new Reg[]{Reg.R6, Reg.R7, Reg.R8}) {
            if ((reserved & 1 << r.number()) == 0) {
                counter = r;
                break;
            }
        }
        if (counter == null) {
            alu64();
            return;
        }
        emit(new Insn.Alu(Width.W64, AluOp.MOV, counter, new Imm(1 + rnd.nextInt(5))));
        init |= 1 << counter.number();
        // On the back edge the body's calls may have left r1–r5 unset: assume so from the start.
        init &= ~ARGS;
        stackPtrMask = 0;
        int head = newLabel();
        bind(head);
        reserved |= 1 << counter.number();
        int inner = Math.min(budget, 2 + rnd.nextInt(8));
        budget -= inner;
        int saved = budget;
        budget = inner;
        body(level + 1);
        budget = saved;
        reserved &= ~(1 << counter.number());
        Width w = rnd.nextBoolean() ? Width.W64 : Width.W32;
        emit(new Insn.Alu(w, AluOp.SUB, counter, new Imm(1)));
        items.add(new Item(null, rnd.nextBoolean() ? Width.W64 : Width.W32, Cond.JNE, counter, new Imm(0), head, false));
        init &= ~ARGS;
        stackPtrMask = 0;
    }

    private void helperCall() {
        switch (rnd.nextInt(6)) {
            case 0 -> {
                setArg(Reg.R1);
                call(3); // sqrti
            }
            case 1 -> call(2); // trash_registers
            case 2 -> {
                for (Reg r : new Reg[]{Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5}) setArg(r);
                call(0); // gather_bytes
            }
            case 3 -> {
                int off = rnd.nextInt(MEM_SIZE);
                emit(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R1, Reg.R9));
                emit(new Insn.Alu(Width.W64, AluOp.ADD, Reg.R1, new Imm(off)));
                emit(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R2, new Imm(rnd.nextInt(MEM_SIZE - off + 1))));
                init |= 1 << 1 | 1 << 2;
                call(1); // memfrob
            }
            case 4 -> {
                // unwind: stops the program when r1 is 0, rarely
                emit(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R1, new Imm(rnd.nextInt(20) == 0 ? 0 : 1 + rnd.nextInt(100))));
                init |= 1 << 1;
                call(5);
            }
            default -> {
                setArg(Reg.R1);
                call(3);
            }
        }
    }

    private void setArg(Reg r) {
        if (rnd.nextBoolean()) emit(new Insn.Alu(Width.W64, AluOp.MOV, r, src()));
        else emit(Insn.LoadImm64.constant(r, value()));
        init |= 1 << r.number();
        stackPtrMask &= ~(1 << r.number());
    }

    private void call(int helper) {
        emit(new Insn.Call(CallKind.HELPER, helper));
        afterCall();
    }

    private void afterCall() {
        init = (init & ~ARGS) | 1;
        stackPtrMask &= ~(ARGS | 1);
    }

    private void packetLoad() {
        // The kernel takes the context from r6: it must be set.
        if ((init & 1 << 6) == 0) {
            emit(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R6, Reg.R9));
            init |= 1 << 6;
            stackPtrMask &= ~(1 << 6);
        }
        Size size = new Size[]{Size.B, Size.H, Size.W}[rnd.nextInt(3)];
        int imm = rnd.nextInt(30) == 0 ? MEM_SIZE - 1 : rnd.nextInt(MEM_SIZE - size.bytes + 1);
        if (rnd.nextBoolean()) {
            emit(new Insn.LoadPacket(size, PacketMode.ABS, null, imm));
        } else {
            Reg idx = dst();
            emit(new Insn.Alu(Width.W64, AluOp.MOV, idx, new Imm(rnd.nextInt(8))));
            init |= 1 << idx.number();
            stackPtrMask &= ~(1 << idx.number());
            emit(new Insn.LoadPacket(size, PacketMode.IND, idx, Math.max(0, imm - 8)));
        }
        afterCall();
    }

    private void localCall() {
        int target = functionLabels.get(functionLabels.size() - functionsLeft + rnd.nextInt(functionsLeft));
        emit(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R1, Reg.R9));
        setArg(Reg.R2);
        setArg(Reg.R3);
        init |= 1 << 1;
        items.add(new Item(null, null, null, null, null, target, true));
        afterCall();
    }

    private void earlyExit() {
        int skip = newLabel();
        condJump(skip);
        emit(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, src()));
        emit(new Insn.Exit());
        bind(skip);
    }

    /// Folds the set registers into r0 and returns.
    private void finish() {
        ensure(Reg.R0);
        for (int r = 1; r <= 8; r++) {
            if ((init & 1 << r) != 0 && (stackPtrMask & 1 << r) == 0 && rnd.nextBoolean()) {
                emit(new Insn.Alu(Width.W64, rnd.nextBoolean() ? AluOp.XOR : AluOp.ADD, Reg.R0, Reg.of(r)));
            }
        }
        emit(new Insn.Exit());
    }

    // ---- registers and values -----------------------------------------------------------------

    private Reg dst() {
        while (true) {
            Reg r = Reg.of(rnd.nextInt(9));
            if ((reserved & 1 << r.number()) == 0) return r;
        }
    }

    /// A register that is set (r10 rarely, as a value).
    private Reg srcReg() {
        List<Reg> set = new ArrayList<>();
        for (int r = 0; r <= 9; r++) if ((init & 1 << r) != 0) set.add(Reg.of(r));
        if (set.isEmpty() || rnd.nextInt(30) == 0) return Reg.R10;
        return set.get(rnd.nextInt(set.size()));
    }

    private Operand src() {
        return rnd.nextInt(3) == 0 ? new Imm((int) value()) : srcReg();
    }

    private long value() {
        return switch (rnd.nextInt(4)) {
            case 0 -> INTERESTING[rnd.nextInt(INTERESTING.length)];
            case 1 -> rnd.nextInt(256) - 128;
            case 2 -> rnd.nextInt();
            default -> rnd.nextLong();
        };
    }

    private int stackSlot(Size size) {
        return -size.bytes * (1 + rnd.nextInt(512 / size.bytes));
    }

    /// Sets `r` if it is not set, so it can be read.
    private void ensure(Reg r) {
        if ((init & 1 << r.number()) == 0) {
            emit(new Insn.Alu(Width.W64, AluOp.MOV, r, new Imm((int) value())));
            init |= 1 << r.number();
        }
    }

    private void write(Reg d, Insn insn) {
        emit(insn);
        init |= 1 << d.number();
        stackPtrMask &= ~(1 << d.number());
    }

    private void emit(Insn insn) {
        items.add(new Item(insn, null, null, null, null, -1, false));
    }

    // ---- labels -------------------------------------------------------------------------------

    private int newLabel() {
        labels.add(-1);
        return labels.size() - 1;
    }

    private void bind(int label) {
        labels.set(label, items.size());
    }

    private Program build() {
        int[] slotOf = new int[items.size() + 1];
        for (int i = 0; i < items.size(); i++) {
            Insn insn = items.get(i).insn;
            slotOf[i + 1] = slotOf[i] + (insn == null ? 1 : insn.slots());
        }
        List<Insn> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            if (it.insn != null) {
                out.add(it.insn);
                continue;
            }
            int rel = slotOf[labels.get(it.label)] - (slotOf[i] + 1);
            if (it.call) out.add(new Insn.Call(CallKind.LOCAL, rel));
            else if (it.cond == null) out.add(new Insn.Goto(rel, false));
            else out.add(new Insn.Jump(it.width, it.cond, it.dst, it.src, (short) rel));
        }
        return new Program(out);
    }
}
