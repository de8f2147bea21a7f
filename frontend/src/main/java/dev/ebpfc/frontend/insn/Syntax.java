package dev.ebpfc.frontend.insn;

/// Prints instructions in the bpf_conformance/uBPF assembler syntax (`mov32 %r0, 1`,
/// `ldxw %r0, [%r1+4]`, `lock fetch add [%r1+8], %r2`). Jump and call offsets print relative
/// (`+3`); the assembler reads this form back. ebpfc extends the syntax where the suite has none:
/// `lddw %r1, map_idx_value 2, 16` for pseudo sources, `ldabsw 12`, `ldindb %r1, 4`,
/// `call kfunc 123`.
public final class Syntax {
    private Syntax() {
    }

    public static String conformance(Insn insn) {
        return switch (insn) {
            case Insn.Alu a -> alu(a);
            case Insn.Endian e -> (e.op() == EndianOp.BSWAP ? "bswap" : e.op().mnemonic) + e.bits() + " " + reg(e.dst());
            case Insn.Load l -> "ldx" + (l.signExtend() ? "s" : "") + l.size().suffix + " " + reg(l.dst()) + ", " + mem(l.base(), l.offset());
            case Insn.Store s -> (s.value() instanceof Reg r
                    ? "stx" + s.size().suffix + " " + mem(s.base(), s.offset()) + ", " + reg(r)
                    : "st" + s.size().suffix + " " + mem(s.base(), s.offset()) + ", " + ((Imm) s.value()).value());
            case Insn.Atomic a -> "lock " + (a.fetch() && !a.op().requiresFetch() ? "fetch " : "") + a.op().mnemonic
                    + (a.size() == Size.W ? "32" : "") + " " + mem(a.base(), a.offset()) + ", " + reg(a.src());
            case Insn.LoadImm64 l -> l.source() == LddwSource.IMM64
                    ? "lddw " + reg(l.dst()) + ", 0x" + Long.toHexString(l.value())
                    : "lddw " + reg(l.dst()) + ", " + l.source().keyword + " " + l.imm()
                        + (l.nextImm() != 0 || l.source().hasValueOffset() ? ", " + l.nextImm() : "");
            case Insn.LoadPacket p -> p.mode() == PacketMode.ABS
                    ? p.mode().mnemonic + p.size().suffix + " " + p.imm()
                    : p.mode().mnemonic + p.size().suffix + " " + reg(p.index()) + ", " + p.imm();
            case Insn.Jump j -> j.cond().mnemonic + (j.width() == Width.W32 ? "32" : "") + " " + reg(j.dst()) + ", "
                    + operand(j.src()) + ", " + relative(j.offset());
            case Insn.Goto g -> (g.wide() ? "ja32 " : "ja ") + relative(g.offset());
            case Insn.Call c -> switch (c.kind()) {
                case HELPER -> "call " + c.imm();
                case LOCAL -> "call local " + relative(c.imm());
                case KFUNC -> "call kfunc " + c.imm() + (c.btfModule() != 0 ? ", " + c.btfModule() : "");
            };
            case Insn.CallIndirect c -> "call " + reg(c.target());
            case Insn.Exit e -> "exit";
        };
    }

    private static String alu(Insn.Alu a) {
        String suffix = a.width() == Width.W32 ? "32" : "";
        if (a.op().isMovsx()) {
            return "movsx" + a.op().movsxBits() + (a.width() == Width.W32 ? "32" : "64") + " " + reg(a.dst()) + ", " + operand(a.src());
        }
        if (a.op() == AluOp.NEG) return "neg" + suffix + " " + reg(a.dst());
        return a.op().mnemonic + suffix + " " + reg(a.dst()) + ", " + operand(a.src());
    }

    public static String reg(Reg r) {
        return "%r" + r.number();
    }

    public static String operand(Operand o) {
        return switch (o) {
            case Reg r -> reg(r);
            case Imm i -> Integer.toString(i.value());
        };
    }

    public static String mem(Reg base, int offset) {
        return "[" + reg(base) + (offset < 0 ? "-" + (-offset) : "+" + offset) + "]";
    }

    public static String relative(int offset) {
        return offset < 0 ? Integer.toString(offset) : "+" + offset;
    }
}
