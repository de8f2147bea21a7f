package dev.ebpfc.frontend.asm;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Operand;
import dev.ebpfc.frontend.insn.PacketMode;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;

/// Prints instructions in the LLVM/bpftool C-like syntax, spelled as `llvm-objdump -d` (LLVM 14)
/// prints them: `r0 = 1`, `w1 += w2`, `if r1 s> r2 goto +3`, `*(u32 *)(r10 - 4) = r1`,
/// `r1 = 1234605616436508552 ll` (LLVM 14 prints 64-bit constants in signed decimal),
/// `lock *(u64 *)(r1 + 0) += r2`, `r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)`.
///
/// Where LLVM 14 cannot print an instruction (v4: `s/=`, `s%=`, `(s8)` moves, `*(s8 *)` loads,
/// `bswap`, `gotol`, `ST` stores, `jset`, 32-bit fetch atomics) the spelling is the one later LLVM
/// releases use (checked with llvm-mc 19). Where LLVM's text loses information ebpfc extends it,
/// so that [LlvmAssembler] reads every printed instruction back to the same bytes:
/// - local calls print `call pc+N` (bpftool's spelling; LLVM prints `call N` as for helpers),
/// - kfunc calls print `call kfunc N` (`, module` when nonzero),
/// - `callx` prints `callx rN` with the register in `dst` (LLVM 14 reads it from `imm`),
/// - `ld_pseudo rN, src, imm` gains `, next_imm` when the second slot's immediate is nonzero,
/// - indirect packet loads print `skb[rN + imm]` when `imm` is nonzero.
public final class LlvmPrinter {
    private LlvmPrinter() {
    }

    /// One line per instruction, no addresses.
    public static String print(Program program) {
        StringBuilder sb = new StringBuilder();
        for (Insn insn : program.insns()) sb.append(print(insn)).append('\n');
        return sb.toString();
    }

    public static String print(Insn insn) {
        return switch (insn) {
            case Insn.Alu a -> alu(a);
            case Insn.Endian e -> reg(e.dst(), Width.W64) + " = " + (e.op() == EndianOp.BSWAP ? "bswap" : e.op().mnemonic) + e.bits()
                    + " " + reg(e.dst(), Width.W64);
            case Insn.Load l -> reg(l.dst(), Width.W64) + " = *(" + (l.signExtend() ? "s" + l.size().bytes * 8 : l.size().cType)
                    + " *)" + mem(l.base(), l.offset());
            case Insn.Store s -> "*(" + s.size().cType + " *)" + mem(s.base(), s.offset()) + " = " + switch (s.value()) {
                case Reg r -> reg(r, Width.W64);
                case Imm i -> Integer.toString(i.value());
            };
            case Insn.Atomic a -> atomic(a);
            case Insn.LoadImm64 l -> l.source() == LddwSource.IMM64
                    ? reg(l.dst(), Width.W64) + " = " + l.value() + " ll"
                    : "ld_pseudo " + reg(l.dst(), Width.W64) + ", " + l.source().code() + ", " + l.imm()
                        + (l.nextImm() != 0 ? ", " + l.nextImm() : "");
            case Insn.LoadPacket p -> "r0 = *(" + p.size().cType + " *)skb[" + (p.mode() == PacketMode.ABS
                    ? Integer.toString(p.imm())
                    : reg(p.index(), Width.W64) + (p.imm() == 0 ? "" : p.imm() < 0 ? " - " + (-(long) p.imm()) : " + " + p.imm())) + "]";
            case Insn.Jump j -> "if " + reg(j.dst(), j.width()) + " " + j.cond().llvmOperator + " " + operand(j.src(), j.width())
                    + " goto " + relative(j.offset());
            case Insn.Goto g -> (g.wide() ? "gotol " : "goto ") + relative(g.offset());
            case Insn.Call c -> switch (c.kind()) {
                case HELPER -> "call " + c.imm();
                case LOCAL -> "call pc" + relative(c.imm());
                case KFUNC -> "call kfunc " + c.imm() + (c.btfModule() != 0 ? ", " + c.btfModule() : "");
            };
            case Insn.CallIndirect c -> "callx " + reg(c.target(), Width.W64);
            case Insn.Exit e -> "exit";
        };
    }

    private static String alu(Insn.Alu a) {
        String dst = reg(a.dst(), a.width());
        AluOp op = a.op();
        if (op == AluOp.NEG) return dst + " = -" + dst;
        if (op.isMovsx()) return dst + " = (s" + op.movsxBits() + ")" + operand(a.src(), a.width());
        return dst + " " + op.llvmOperator + " " + operand(a.src(), a.width());
    }

    private static String atomic(Insn.Atomic a) {
        boolean w32 = a.size() == Size.W;
        String ptr = mem(a.base(), a.offset());
        String addr = reg(a.base(), Width.W64) + offset(a.offset());
        String src = reg(a.src(), w32 ? Width.W32 : Width.W64);
        if (!a.fetch()) {
            // Without alu32 (llvm-objdump's default) LLVM names the 32-bit source with an r register.
            return "lock *(" + a.size().cType + " *)" + ptr + " " + binaryOperator(a.op()) + " " + reg(a.src(), Width.W64);
        }
        return switch (a.op()) {
            case ADD, OR, AND, XOR -> src + " = atomic_fetch_" + a.op().mnemonic + "((" + a.size().cType + " *)" + ptr + ", " + src + ")";
            case XCHG -> src + " = " + (w32 ? "xchg32_32(" : "xchg_64(") + addr + ", " + src + ")";
            case CMPXCHG -> {
                String r0 = reg(Reg.R0, w32 ? Width.W32 : Width.W64);
                yield r0 + " = " + (w32 ? "cmpxchg32_32(" : "cmpxchg_64(") + addr + ", " + r0 + ", " + src + ")";
            }
        };
    }

    static String binaryOperator(AtomicOp op) {
        return switch (op) {
            case ADD -> "+=";
            case OR -> "|=";
            case AND -> "&=";
            case XOR -> "^=";
            case XCHG, CMPXCHG -> throw new IllegalArgumentException(op.mnemonic + " always fetches");
        };
    }

    static String reg(Reg r, Width w) {
        return (w == Width.W32 ? "w" : "r") + r.number();
    }

    private static String operand(Operand o, Width w) {
        return switch (o) {
            case Reg r -> reg(r, w);
            case Imm i -> Integer.toString(i.value());
        };
    }

    private static String mem(Reg base, short offset) {
        return "(" + reg(base, Width.W64) + offset(offset) + ")";
    }

    private static String offset(short offset) {
        return offset < 0 ? " - " + (-offset) : " + " + offset;
    }

    private static String relative(int offset) {
        return offset < 0 ? Integer.toString(offset) : "+" + offset;
    }
}
