package dev.ebpfc.backend.x86_64;

/// Prints x86_64 instructions in the AT&T syntax GNU objdump uses (`mov 0x8(%rdi),%rax`), so that
/// objdump can serve as an independent oracle for the encoder: for any instruction,
/// `objdump -d` of the encoder's bytes must print what this prints (whitespace aside). Jump and
/// call targets print as absolute offsets in the code buffer, as objdump prints them.
public final class X86Printer {
    private X86Printer() {
    }

    /// The text of `insn`; RIP-relative operands print as displacement plus target, so this form
    /// assumes the instruction sits at offset 0 (see [#print(X86Insn, int)]).
    public static String print(X86Insn insn) {
        return print(insn, 0);
    }

    /// The text of `insn` placed at byte offset `at`: objdump shows RIP-relative operands as the
    /// displacement from the next instruction, then `# target`.
    public static String print(X86Insn insn, int at) {
        return switch (insn) {
            case X86Insn.AluRR a -> a.op().mnemonic + " " + reg(a.src(), a.size()) + "," + reg(a.dst(), a.size());
            case X86Insn.AluRI a -> a.op().mnemonic + " " + imm(a.imm(), a.size()) + "," + reg(a.dst(), a.size());
            case X86Insn.AluRM a -> a.op().mnemonic + " " + mem(a.src()) + "," + reg(a.dst(), a.size());
            case X86Insn.AluMI a -> a.op().mnemonic + a.size().suffix + " " + imm(a.imm(), a.size()) + "," + mem(a.dst());
            case X86Insn.TestRR t -> "test " + reg(t.b(), t.size()) + "," + reg(t.a(), t.size());
            case X86Insn.TestRI t -> "test " + imm(t.imm(), t.size()) + "," + reg(t.a(), t.size());
            case X86Insn.MovRR m -> "mov " + reg(m.src(), m.size()) + "," + reg(m.dst(), m.size());
            case X86Insn.MovRI m -> movConstant(m);
            case X86Insn.Load l -> l.kind().mnemonic + " " + mem(l.src()) + "," + reg(l.dst(), l.kind().to);
            case X86Insn.ExtendRR e -> e.kind().mnemonic + " " + reg(e.src(), e.kind().from) + "," + reg(e.dst(), e.kind().to);
            case X86Insn.Store s -> "mov " + reg(s.src(), s.size()) + "," + mem(s.dst());
            case X86Insn.StoreImm s -> "mov" + s.size().suffix + " " + imm(s.imm(), s.size()) + "," + mem(s.dst());
            case X86Insn.ShiftRI s -> s.count() == 1
                    ? s.op().mnemonic + " " + reg(s.dst(), s.size())
                    : s.op().mnemonic + " $0x" + Integer.toHexString(s.count() & 0xff) + "," + reg(s.dst(), s.size());
            case X86Insn.ShiftRCl s -> s.op().mnemonic + " %cl," + reg(s.dst(), s.size());
            case X86Insn.Unary u -> u.op().mnemonic + " " + reg(u.reg(), u.size());
            case X86Insn.ImulRR m -> "imul " + reg(m.src(), m.size()) + "," + reg(m.dst(), m.size());
            case X86Insn.ImulRRI m -> "imul " + imm(m.imm(), m.size()) + "," + reg(m.src(), m.size()) + "," + reg(m.dst(), m.size());
            case X86Insn.SignExtendAccumulator s -> switch (s.size()) {
                case W -> "cwtd";
                case L -> "cltd";
                case Q -> "cqto";
                case B -> throw new IllegalArgumentException("no byte cwd");
            };
            case X86Insn.Bswap b -> "bswap " + reg(b.reg(), b.size());
            case X86Insn.LockAlu l -> "lock " + l.op().mnemonic + " " + reg(l.src(), l.size()) + "," + mem(l.dst());
            case X86Insn.LockXadd l -> "lock xadd " + reg(l.src(), l.size()) + "," + mem(l.dst());
            case X86Insn.Xchg x -> "xchg " + reg(x.src(), x.size()) + "," + mem(x.dst());
            case X86Insn.LockCmpxchg c -> "lock cmpxchg " + reg(c.src(), c.size()) + "," + mem(c.dst());
            case X86Insn.Lea l -> "lea " + mem(l.src()) + "," + reg(l.dst(), OpSize.Q);
            case X86Insn.Jmp j -> "jmp 0x" + Integer.toHexString(j.target());
            case X86Insn.Jcc j -> "j" + j.cond().suffix + " 0x" + Integer.toHexString(j.target());
            case X86Insn.Call c -> "call 0x" + Integer.toHexString(c.target());
            case X86Insn.CallR c -> "call *" + reg(c.reg(), OpSize.Q);
            // Both encodings end in a disp32: 7 bytes (REX.W 8B ModRM disp32), 6 bytes (FF ModRM disp32).
            case X86Insn.LoadRip l -> "mov " + ripRelative(l.target(), at + 7) + "," + reg(l.dst(), OpSize.Q) + " # 0x" + Integer.toHexString(l.target());
            case X86Insn.CallRip c -> "call *" + ripRelative(c.target(), at + 6) + " # 0x" + Integer.toHexString(c.target());
            case X86Insn.Ret r -> "ret";
            case X86Insn.Push p -> "push " + reg(p.reg(), OpSize.Q);
            case X86Insn.Pop p -> "pop " + reg(p.reg(), OpSize.Q);
            case X86Insn.Setcc s -> "set" + s.cond().suffix + " " + reg(s.reg(), OpSize.B);
            case X86Insn.Cmov c -> "cmov" + c.cond().suffix + " " + reg(c.src(), c.size()) + "," + reg(c.dst(), c.size());
        };
    }

    /// Mirrors the encoder's choice of the shortest constant load.
    private static String movConstant(X86Insn.MovRI m) {
        long v = m.imm();
        return switch (m.size()) {
            case B, W, L -> "mov " + imm((int) v, m.size()) + "," + reg(m.dst(), m.size());
            case Q -> {
                if (v >= 0 && v <= 0xffffffffL) yield "mov $0x" + Long.toHexString(v) + "," + reg(m.dst(), OpSize.L);
                if (v == (int) v) yield "mov " + imm((int) v, OpSize.Q) + "," + reg(m.dst(), OpSize.Q);
                yield "movabs $0x" + Long.toHexString(v) + "," + reg(m.dst(), OpSize.Q);
            }
        };
    }

    public static String reg(X86Reg r, OpSize size) {
        return "%" + r.name(size);
    }

    /// An immediate as objdump shows it: sign-extended to the operand size, printed unsigned in hex.
    public static String imm(int v, OpSize size) {
        long shown = switch (size) {
            case B -> v & 0xffL;
            case W -> v & 0xffffL;
            case L -> v & 0xffffffffL;
            case Q -> v;
        };
        return "$0x" + Long.toHexString(shown);
    }

    private static String ripRelative(int target, int end) {
        int d = target - end;
        return (d < 0 ? "-0x" + Integer.toHexString(-d) : "0x" + Integer.toHexString(d)) + "(%rip)";
    }

    /// `disp(base)`: no displacement printed when the encoding has none; rbp/r13 always carry one.
    public static String mem(X86Mem m) {
        String base = "(" + reg(m.base(), OpSize.Q) + ")";
        if (m.disp() == 0) return m.base().low3() == 5 ? "0x0" + base : base;
        return (m.disp() < 0 ? "-0x" + Integer.toHexString(-m.disp()) : "0x" + Integer.toHexString(m.disp())) + base;
    }
}
