package dev.ebpfc.backend.arm64;

import dev.ebpfc.backend.arm64.Arm64Insn.*;

import static dev.ebpfc.backend.arm64.Arm64Reg.SP;
import static dev.ebpfc.backend.arm64.Arm64Reg.ZR;

/// Prints A64 instructions as GNU objdump (binutils 2.40) prints them, so that objdump can serve
/// as an independent oracle for the encoder: for any instruction, `objdump -d` of the encoder's
/// bytes must print what this prints (whitespace and objdump's trailing `//` comments aside).
///
/// That means choosing the preferred alias exactly when the Arm ARM's alias conditions hold
/// (`mov`, `cmp`, `lsl #n`, `cset`, `stadd`…), naming register 31 as the operand's class means
/// it, immediates of data-processing instructions in hex (`#0x10`) and memory offsets in decimal
/// (`[sp, #-16]!`). Branch targets print as absolute offsets in the code buffer.
public final class Arm64Printer {
    private Arm64Printer() {
    }

    public static String print(Arm64Insn insn) {
        return switch (insn) {
            case AddSubShifted a -> addSubShifted(a);
            case AddSubExtended a -> addSubExtended(a);
            case AddSubImm a -> addSubImm(a);
            case LogicalShifted l -> logicalShifted(l);
            case LogicalImm l -> logicalImm(l);
            case MoveWide m -> moveWide(m);
            case Bitfield b -> bitfield(b);
            case TwoSource t -> t.op().text + " " + regs(t.size(), t.rd(), t.rn(), t.rm());
            case MulAdd m -> m.ra() == ZR
                    ? m.op().zeroAddend + " " + regs(m.size(), m.rd(), m.rn(), m.rm())
                    : m.op().mnemonic + " " + regs(m.size(), m.rd(), m.rn(), m.rm(), m.ra());
            case Reverse r -> r.op().mnemonic + " " + regs(r.size(), r.rd(), r.rn());
            case CondSelect c -> condSelect(c);
            case LoadStore l -> l.op().mnemonic + " " + l.rt().name(l.op().reg) + ", " + offset(l.rn(), l.offset());
            case LoadStoreUnscaled l -> l.op().unscaledMnemonic + " " + l.rt().name(l.op().reg) + ", " + offset(l.rn(), l.offset());
            case LoadStoreIndexed l -> l.op().mnemonic + " " + l.rt().name(l.op().reg) + ", " + indexed(l);
            case LoadStorePair p -> pair(p);
            case LoadLiteral l -> "ldr " + l.rt().name(l.size()) + ", " + target(l.target());
            case LoadExclusive l -> (l.acquire() ? "ldaxr " : "ldxr ") + l.rt().name(l.size()) + ", [" + l.rn().x() + "]";
            case StoreExclusive s -> (s.release() ? "stlxr " : "stxr ") + s.rs().w() + ", " + s.rt().name(s.size())
                    + ", [" + s.rn().x() + "]";
            case AtomicRmw a -> atomic(a);
            case CompareAndSwap c -> "cas" + c.order().suffix + " " + regs(c.size(), c.rs(), c.rt()) + ", [" + c.rn().x() + "]";
            case Dmb d -> "dmb " + d.barrier().name().toLowerCase();
            case B b -> "b " + target(b.target());
            case Bl b -> "bl " + target(b.target());
            case BCond b -> "b." + b.cond().text + " " + target(b.target());
            case Cbz c -> (c.nonZero() ? "cbnz " : "cbz ") + c.rt().name(c.size()) + ", " + target(c.target());
            case Tbz t -> (t.nonZero() ? "tbnz " : "tbz ") + t.rt().name(t.bit() < 32 ? OpSize.W : OpSize.X) + ", #" + t.bit()
                    + ", " + target(t.target());
            case BranchReg b -> b.op() == BranchRegOp.RET && b.rn() == Arm64Reg.R30 ? "ret" : b.op().mnemonic + " " + b.rn().x();
            case Adr a -> "adr " + a.rd().x() + ", " + target(a.target());
            case Adrp a -> "adrp " + a.rd().x() + ", 0x" + Long.toHexString(a.target());
            case Nop n -> "nop";
            case Brk b -> "brk #0x" + Integer.toHexString(b.imm16());
            case Svc s -> "svc #0x" + Integer.toHexString(s.imm16());
        };
    }

    // ---- data processing -------------------------------------------------------------------

    /// Aliases (C6.2 "CMP/CMN/NEG/NEGS (shifted register)"): a ZR destination of a flag-setting
    /// op is CMP/CMN, which wins over NEGS when both registers are ZR.
    private static String addSubShifted(AddSubShifted a) {
        OpSize z = a.size();
        String sh = shift(a.shift(), a.amount());
        if (a.op().setsFlags() && a.rd() == ZR) {
            return (a.op() == AddSubOp.SUBS ? "cmp " : "cmn ") + regs(z, a.rn(), a.rm()) + sh;
        }
        if (a.op().op == 1 && a.rn() == ZR) {
            return (a.op().setsFlags() ? "negs " : "neg ") + regs(z, a.rd(), a.rm()) + sh;
        }
        return a.op().mnemonic + " " + regs(z, a.rd(), a.rn(), a.rm()) + sh;
    }

    /// The extend prints as LSL (or not at all for #0) when it is the identity extension of the
    /// operation's width and register 31 in Rd or Rn means SP (C6.2 "ADD (extended register)").
    private static String addSubExtended(AddSubExtended a) {
        OpSize z = a.size();
        OpSize rmSize = z == OpSize.X && a.extend().sourceIsX() ? OpSize.X : OpSize.W;
        Arm64Insn.Extend identity = z == OpSize.X ? Arm64Insn.Extend.UXTX : Arm64Insn.Extend.UXTW;
        boolean spForm = a.rn() == SP || a.rd() == SP;
        String ext;
        if (a.extend() == identity && spForm) ext = a.amount() == 0 ? "" : ", lsl #" + a.amount();
        else ext = ", " + a.extend().text() + (a.amount() == 0 ? "" : " #" + a.amount());
        String rm = a.rm().name(rmSize);
        if (a.op().setsFlags() && a.rd() == ZR) {
            return (a.op() == AddSubOp.SUBS ? "cmp " : "cmn ") + a.rn().name(z) + ", " + rm + ext;
        }
        return a.op().mnemonic + " " + a.rd().name(z) + ", " + a.rn().name(z) + ", " + rm + ext;
    }

    /// MOV (to/from SP) is ADD #0 with SP on either side; CMP/CMN for a ZR flag-setting destination.
    private static String addSubImm(AddSubImm a) {
        OpSize z = a.size();
        String imm = "#0x" + Integer.toHexString(a.imm().bits()) + (a.imm().shifted() ? ", lsl #12" : "");
        if (a.op() == AddSubOp.ADD && a.imm().bits() == 0 && !a.imm().shifted() && (a.rd() == SP || a.rn() == SP)) {
            return "mov " + regs(z, a.rd(), a.rn());
        }
        if (a.op().setsFlags() && a.rd() == ZR) {
            return (a.op() == AddSubOp.SUBS ? "cmp " : "cmn ") + a.rn().name(z) + ", " + imm;
        }
        return a.op().mnemonic + " " + regs(z, a.rd(), a.rn()) + ", " + imm;
    }

    /// MOV (register) needs ORR from ZR with no shift at all; MVN is any ORN from ZR; TST any ANDS to ZR.
    private static String logicalShifted(LogicalShifted l) {
        OpSize z = l.size();
        String sh = shift(l.shift(), l.amount());
        if (l.op() == LogicOp.ORR && l.rn() == ZR && l.shift() == Shift.LSL && l.amount() == 0) {
            return "mov " + regs(z, l.rd(), l.rm());
        }
        if (l.op() == LogicOp.ORN && l.rn() == ZR) return "mvn " + regs(z, l.rd(), l.rm()) + sh;
        if (l.op() == LogicOp.ANDS && l.rd() == ZR) return "tst " + regs(z, l.rn(), l.rm()) + sh;
        return l.op().mnemonic + " " + regs(z, l.rd(), l.rn(), l.rm()) + sh;
    }

    /// MOV (bitmask immediate) is ORR from ZR unless a single MOVZ or MOVN could do it
    /// (`MoveWidePreferred`): then objdump keeps `orr`, since `mov #imm` would mean the move-wide.
    private static String logicalImm(LogicalImm l) {
        OpSize z = l.size();
        long v = z.mask(l.imm());
        String imm = "#0x" + Long.toHexString(v);
        if (l.op() == LogicOp.ANDS && l.rd() == ZR) return "tst " + l.rn().name(z) + ", " + imm;
        if (l.op() == LogicOp.ORR && l.rn() == ZR && !moveWideCan(v, z)) return "mov " + l.rd().name(z) + ", " + imm;
        return l.op().mnemonic + " " + regs(z, l.rd(), l.rn()) + ", " + imm;
    }

    /// Whether one MOVZ or MOVN produces `v` at width `z`.
    static boolean moveWideCan(long v, OpSize z) {
        return singleHalf(v, z) || singleHalf(z.mask(~v), z);
    }

    private static boolean singleHalf(long v, OpSize z) {
        for (int i = 0; i < z.bits; i += 16) if ((v & ~(0xffffL << i)) == 0) return true;
        return false;
    }

    /// MOV (wide immediate) is preferred for MOVZ/MOVN unless the immediate is zero with a nonzero
    /// shift (that value has a shorter spelling), and for 32-bit MOVN of 0xffff (which gives 0xffff0000,
    /// representable by MOVZ too, so the MOVN spelling stays visible).
    private static String moveWide(MoveWide m) {
        OpSize z = m.size();
        boolean alias = switch (m.op()) {
            case MOVZ -> !(m.imm16() == 0 && m.shift() != 0);
            case MOVN -> !(m.imm16() == 0 && m.shift() != 0) && !(z == OpSize.W && m.imm16() == 0xffff);
            case MOVK -> false;
        };
        if (alias) {
            long v = (long) m.imm16() << m.shift();
            if (m.op() == MoveWideOp.MOVN) v = ~v;
            return "mov " + m.rd().name(z) + ", #0x" + Long.toHexString(z.mask(v));
        }
        return m.op().mnemonic + " " + m.rd().name(z) + ", #0x" + Integer.toHexString(m.imm16())
                + (m.shift() == 0 ? "" : ", lsl #" + m.shift());
    }

    /// The bitfield aliases in the order of their preference conditions (C6.2 "SBFM", "UBFM", "BFM").
    private static String bitfield(Bitfield b) {
        OpSize z = b.size();
        int w = z.bits, r = b.immr(), s = b.imms();
        String dn = regs(z, b.rd(), b.rn());
        switch (b.op()) {
            case SBFM -> {
                if (s == w - 1) return "asr " + dn + ", #" + r;
                if (s < r) return "sbfiz " + dn + ", #" + (w - r) + ", #" + (s + 1);
                if (bfxPreferred(z, false, r, s)) return "sbfx " + dn + ", #" + r + ", #" + (s - r + 1);
                String src = b.rd().name(z) + ", " + b.rn().w();
                return switch (s) {
                    case 7 -> "sxtb " + src;
                    case 15 -> "sxth " + src;
                    default -> "sxtw " + src;
                };
            }
            case UBFM -> {
                if (s != w - 1 && s + 1 == r) return "lsl " + dn + ", #" + (w - 1 - s);
                if (s == w - 1) return "lsr " + dn + ", #" + r;
                if (s < r) return "ubfiz " + dn + ", #" + (w - r) + ", #" + (s + 1);
                if (bfxPreferred(z, true, r, s)) return "ubfx " + dn + ", #" + r + ", #" + (s - r + 1);
                return (s == 7 ? "uxtb " : "uxth ") + dn;
            }
            case BFM -> {
                if (s < r) {
                    if (b.rn() == ZR) return "bfc " + b.rd().name(z) + ", #" + (w - r) + ", #" + (s + 1);
                    return "bfi " + dn + ", #" + (w - r) + ", #" + (s + 1);
                }
                return "bfxil " + dn + ", #" + r + ", #" + (s - r + 1);
            }
        }
        throw new AssertionError();
    }

    /// `BFXPreferred` from the Arm ARM: extract is the alias unless a shift or extend alias applies.
    private static boolean bfxPreferred(OpSize z, boolean unsigned, int immr, int imms) {
        if (imms < immr) return false;
        if (imms == z.bits - 1) return false;
        if (immr == 0) {
            if (z == OpSize.W && (imms == 7 || imms == 15)) return false;
            if (z == OpSize.X && !unsigned && (imms == 7 || imms == 15 || imms == 31)) return false;
        }
        return true;
    }

    /// CSET/CSETM (both sources ZR), CINC/CINV/CNEG (equal sources) exist only for conditions other
    /// than AL/NV, and print the inverted condition.
    private static String condSelect(CondSelect c) {
        OpSize z = c.size();
        String inv = c.cond().invert().text;
        if (!c.cond().always()) {
            switch (c.op()) {
                case CSINC, CSINV -> {
                    boolean inc = c.op() == CondSelectOp.CSINC;
                    if (c.rn() == ZR && c.rm() == ZR) return (inc ? "cset " : "csetm ") + c.rd().name(z) + ", " + inv;
                    if (c.rn() == c.rm() && c.rm() != ZR) return (inc ? "cinc " : "cinv ") + regs(z, c.rd(), c.rn()) + ", " + inv;
                }
                case CSNEG -> {
                    if (c.rn() == c.rm()) return "cneg " + regs(z, c.rd(), c.rn()) + ", " + inv;
                }
                case CSEL -> {
                }
            }
        }
        return c.op().mnemonic + " " + regs(z, c.rd(), c.rn(), c.rm()) + ", " + c.cond().text;
    }

    // ---- memory ----------------------------------------------------------------------------

    private static String offset(Arm64Reg rn, int offset) {
        return offset == 0 ? "[" + rn.x() + "]" : "[" + rn.x() + ", #" + offset + "]";
    }

    /// `[xn, xm]`, `[xn, xm, lsl #s]`, `[xn, wm, uxtw {#s}]`. A shifted byte access shows its
    /// `#0` explicitly, which is how the S bit stays visible.
    private static String indexed(LoadStoreIndexed l) {
        String rm = l.rm().name(l.extend().indexIsX() ? OpSize.X : OpSize.W);
        String base = "[" + l.rn().x() + ", " + rm;
        int amount = l.shifted() ? l.op().size : 0;
        if (l.extend() == IndexExtend.LSL) {
            return base + (l.shifted() ? ", lsl #" + amount : "") + "]";
        }
        return base + ", " + l.extend().text + (l.shifted() ? " #" + amount : "") + "]";
    }

    private static String pair(LoadStorePair p) {
        String regs = regs(p.op().reg, p.rt(), p.rt2()) + ", ";
        String rn = p.rn().x();
        String addr = switch (p.mode()) {
            case OFFSET -> p.offset() == 0 ? "[" + rn + "]" : "[" + rn + ", #" + p.offset() + "]";
            case PRE -> "[" + rn + ", #" + p.offset() + "]!";
            case POST -> "[" + rn + "], #" + p.offset();
        };
        return p.op().mnemonic + " " + regs + addr;
    }

    /// ST<op> is LD<op> with a ZR result and no acquire semantics (an acquire load is not a store).
    private static String atomic(AtomicRmw a) {
        OpSize z = a.size();
        String mem = "[" + a.rn().x() + "]";
        if (a.rt() == ZR && a.op().storeAlias != null && a.order().a == 0) {
            return a.op().storeAlias + a.order().suffix + " " + a.rs().name(z) + ", " + mem;
        }
        return a.op().mnemonic + a.order().suffix + " " + regs(z, a.rs(), a.rt()) + ", " + mem;
    }

    // ---- operands --------------------------------------------------------------------------

    private static String shift(Shift shift, int amount) {
        return shift == Shift.LSL && amount == 0 ? "" : ", " + shift.text() + " #" + amount;
    }

    private static String regs(OpSize z, Arm64Reg... rs) {
        StringBuilder sb = new StringBuilder();
        for (Arm64Reg r : rs) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(r.name(z));
        }
        return sb.toString();
    }

    private static String target(long t) {
        return "0x" + Long.toHexString(t);
    }
}
