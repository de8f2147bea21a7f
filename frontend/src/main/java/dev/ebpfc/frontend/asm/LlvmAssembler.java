package dev.ebpfc.frontend.asm;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Cond;
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

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// Assembles the LLVM/bpftool C-like syntax that [LlvmPrinter] and `llvm-objdump -d` print
/// (`r1 += r2`, `if w1 s< 5 goto -2`, `r1 = 42 ll`, `lock *(u64 *)(r1 + 0) += r2`). Annotations in
/// angle brackets (`<LBB0_2>`) are ignored; `#`, `//` and `;` start comments; `name:` defines a
/// label, and `goto`, `if … goto` and `call` accept labels as well as `+N`/`-N`. `call N` is a
/// helper call, `call pc+N` (or `call label`) a local call, `call kfunc N` a kfunc call.
public final class LlvmAssembler {
    private LlvmAssembler() {
    }

    private static final String R = "([rw])(\\d+)";
    private static final String IMM = "([+-]?\\s*(?:0[xX][0-9a-fA-F]+|\\d+))";
    private static final String OPND = "(?:" + R + "|" + IMM + ")";
    private static final String MEMP = "\\(\\s*([rw])(\\d+)\\s*(?:([+-])\\s*(0[xX][0-9a-fA-F]+|\\d+))?\\s*\\)";
    private static final String SIZE = "\\*\\s*\\(\\s*([us](?:8|16|32|64))\\s*\\*\\s*\\)";
    private static final String TARGET = "([+-]\\s*(?:0[xX][0-9a-fA-F]+|\\d+)|[A-Za-z_.][A-Za-z0-9_.$]*)";

    private static final Pattern ANNOTATION = Pattern.compile("<[A-Za-z_.$][^<>\\s]*>");
    private static final Pattern EXIT = Pattern.compile("exit");
    private static final Pattern CALL_LOCAL = Pattern.compile("call\\s+pc\\s*([+-]\\s*\\d+)");
    private static final Pattern CALL_KFUNC = Pattern.compile("call\\s+kfunc\\s+" + IMM + "(?:\\s*,\\s*" + IMM + ")?");
    private static final Pattern CALL_HELPER = Pattern.compile("call\\s+" + IMM);
    private static final Pattern CALL_LABEL = Pattern.compile("call\\s+([A-Za-z_.][A-Za-z0-9_.$]*)");
    private static final Pattern CALLX = Pattern.compile("callx\\s+" + R);
    private static final Pattern GOTO = Pattern.compile("(gotol|goto)\\s+" + TARGET);
    private static final Pattern IF = Pattern.compile("if\\s+" + R + "\\s*(==|!=|s>=|s<=|s>|s<|>=|<=|>|<|&)\\s*" + OPND + "\\s+goto\\s+" + TARGET);
    private static final Pattern LOCK = Pattern.compile("lock\\s+" + SIZE + "\\s*" + MEMP + "\\s*(\\+=|\\|=|&=|\\^=)\\s*" + R);
    private static final Pattern STORE = Pattern.compile(SIZE + "\\s*" + MEMP + "\\s*=\\s*" + OPND);
    private static final Pattern LOAD = Pattern.compile(R + "\\s*=\\s*" + SIZE + "\\s*" + MEMP);
    private static final Pattern PACKET = Pattern.compile("r0\\s*=\\s*" + SIZE + "\\s*skb\\s*\\[\\s*(?:r(\\d+)(?:\\s*([+-])\\s*(\\d+))?|" + IMM + ")\\s*\\]");
    private static final Pattern FETCH = Pattern.compile(R + "\\s*=\\s*atomic_fetch_(add|and|or|xor)\\s*\\(\\s*\\(\\s*([us](?:32|64))\\s*\\*\\s*\\)\\s*" + MEMP + "\\s*,\\s*" + R + "\\s*\\)");
    private static final Pattern XCHG = Pattern.compile(R + "\\s*=\\s*(xchg_64|xchg32_32)\\s*\\(\\s*r(\\d+)\\s*([+-])\\s*(\\d+)\\s*,\\s*" + R + "\\s*\\)");
    private static final Pattern CMPXCHG = Pattern.compile(R + "\\s*=\\s*(cmpxchg_64|cmpxchg32_32)\\s*\\(\\s*r(\\d+)\\s*([+-])\\s*(\\d+)\\s*,\\s*" + R + "\\s*,\\s*" + R + "\\s*\\)");
    private static final Pattern LDDW = Pattern.compile(R + "\\s*=\\s*([+-]?\\s*(?:0[xX][0-9a-fA-F]+|\\d+))\\s*ll");
    private static final Pattern LD_PSEUDO = Pattern.compile("ld_pseudo\\s+" + R + "\\s*,\\s*(\\d+)\\s*,\\s*" + IMM + "(?:\\s*,\\s*" + IMM + ")?");
    private static final Pattern ENDIAN = Pattern.compile(R + "\\s*=\\s*(le|be|bswap)(16|32|64)\\s+" + R);
    private static final Pattern NEG = Pattern.compile(R + "\\s*=\\s*-\\s*" + R);
    private static final Pattern MOVSX = Pattern.compile(R + "\\s*=\\s*\\(\\s*s(8|16|32)\\s*\\)\\s*" + R);
    private static final Pattern ALU = Pattern.compile(R + "\\s*(s>>=|s/=|s%=|<<=|>>=|\\+=|-=|\\*=|/=|\\|=|&=|%=|\\^=|=)\\s*" + OPND);

    private static final Map<String, AluOp> ALU_OPS = new HashMap<>();
    private static final Map<String, Cond> CONDS = new HashMap<>();

    static {
        for (AluOp op : AluOp.values()) {
            if (op != AluOp.NEG && !op.isMovsx()) ALU_OPS.put(op.llvmOperator, op);
        }
        for (Cond c : Cond.values()) CONDS.put(c.llvmOperator, c);
    }

    public static Program assemble(String text) {
        return assemble(text, null, 1);
    }

    /// Assembles `text`; messages name `origin` (may be null) and count lines from `firstLine`.
    public static Program assemble(String text, String origin, int firstLine) {
        return assemble(text, origin, firstLine, true);
    }

    private static final LineAssembler.Syntax SYNTAX = new LineAssembler.Syntax(LlvmAssembler::clean, LlvmAssembler::statement, false);

    private static Program assemble(String text, String origin, int firstLine, boolean checkTargets) {
        return LineAssembler.assemble(SYNTAX, text, origin, firstLine, checkTargets);
    }

    /// Parses one instruction out of context (an `lddw` gives one two-slot instruction): branch
    /// offsets are taken as they are, and must be numeric.
    public static Insn parseInsn(String text) {
        return LineAssembler.parseInsn(SYNTAX, text);
    }

    private static String clean(String line) {
        // `<LBB0_2>`-style annotations; a bare `<` is the less-than operator.
        String s = ANNOTATION.matcher(line).replaceAll(" ");
        int cut = s.length();
        for (String c : new String[] {"#", "//", ";"}) {
            int at = s.indexOf(c);
            if (at >= 0) cut = Math.min(cut, at);
        }
        return s.substring(0, cut).strip();
    }

    private static void statement(ProgramBuilder b, String code, int line) {
        Matcher m;
        if (EXIT.matcher(code).matches()) {
            b.add(new Insn.Exit(), line);
        } else if ((m = CALL_LOCAL.matcher(code)).matches()) {
            b.add(new Insn.Call(CallKind.LOCAL, Numbers.offset32(m.group(1).replace(" ", ""))), line);
        } else if ((m = CALL_KFUNC.matcher(code)).matches()) {
            short module = m.group(2) == null ? 0 : Numbers.offset16(num(m.group(2)));
            b.add(new Insn.Call(CallKind.KFUNC, Numbers.imm32(num(m.group(1))), module), line);
        } else if ((m = CALL_HELPER.matcher(code)).matches()) {
            b.add(new Insn.Call(CallKind.HELPER, Numbers.imm32(num(m.group(1)))), line);
        } else if ((m = CALL_LABEL.matcher(code)).matches()) {
            b.addBranch(m.group(1), off -> new Insn.Call(CallKind.LOCAL, off), line);
        } else if ((m = CALLX.matcher(code)).matches()) {
            b.add(new Insn.CallIndirect(reg(m, 1, Width.W64)), line);
        } else if ((m = GOTO.matcher(code)).matches()) {
            boolean wide = m.group(1).equals("gotol");
            target(b, m.group(2), line, wide, off -> new Insn.Goto(off, wide));
        } else if ((m = IF.matcher(code)).matches()) {
            Width w = width(m, 1);
            Reg dst = reg(m, 1, w);
            Cond cond = CONDS.get(m.group(3));
            Operand src = operand(m, 4, w);
            target(b, m.group(7), line, false, off -> new Insn.Jump(w, cond, dst, src, (short) off));
        } else if ((m = LOCK.matcher(code)).matches()) {
            Size size = size(m.group(1), false);
            if (size != Size.W && size != Size.DW) throw new SyntaxError("atomic operations are u32 or u64, not " + m.group(1));
            AtomicOp op = switch (m.group(6)) {
                case "+=" -> AtomicOp.ADD;
                case "|=" -> AtomicOp.OR;
                case "&=" -> AtomicOp.AND;
                default -> AtomicOp.XOR;
            };
            Reg src = anyReg(m, 7);
            b.add(new Insn.Atomic(size, op, false, memBase(m, 2), memOffset(m, 4), src), line);
        } else if ((m = STORE.matcher(code)).matches()) {
            Size size = size(m.group(1), false);
            Operand value = operand(m, 6, Width.W64);
            b.add(new Insn.Store(size, memBase(m, 2), memOffset(m, 4), value), line);
        } else if ((m = LOAD.matcher(code)).matches()) {
            Reg dst = anyReg(m, 1);
            boolean signed = m.group(3).startsWith("s");
            Size size = size(m.group(3), signed);
            b.add(new Insn.Load(size, signed, dst, memBase(m, 4), memOffset(m, 6)), line);
        } else if ((m = PACKET.matcher(code)).matches()) {
            Size size = size(m.group(1), false);
            if (m.group(2) != null) {
                Reg index = Reg.ofOrNull(Numbers.small(m.group(2), "register"));
                if (index == null) throw new SyntaxError("invalid register r" + m.group(2) + " (r0..r10)");
                int imm = m.group(4) == null ? 0 : Numbers.imm32(m.group(3) + m.group(4));
                b.add(new Insn.LoadPacket(size, PacketMode.IND, index, imm), line);
            } else {
                b.add(new Insn.LoadPacket(size, PacketMode.ABS, null, Numbers.imm32(num(m.group(5)))), line);
            }
        } else if ((m = FETCH.matcher(code)).matches()) {
            Size size = size(m.group(4), false);
            Reg dst = anyReg(m, 1);
            Reg src = anyReg(m, 9);
            if (dst != src) throw new SyntaxError("atomic_fetch_" + m.group(3) + " returns into its source register: " + dst + " != " + src);
            AtomicOp op = switch (m.group(3)) {
                case "add" -> AtomicOp.ADD;
                case "and" -> AtomicOp.AND;
                case "or" -> AtomicOp.OR;
                default -> AtomicOp.XOR;
            };
            b.add(new Insn.Atomic(size, op, true, memBase(m, 5), memOffset(m, 7), src), line);
        } else if ((m = XCHG.matcher(code)).matches()) {
            Reg dst = anyReg(m, 1);
            Reg src = anyReg(m, 7);
            if (dst != src) throw new SyntaxError("xchg returns into its source register: " + dst + " != " + src);
            Size size = m.group(3).equals("xchg_64") ? Size.DW : Size.W;
            b.add(new Insn.Atomic(size, AtomicOp.XCHG, true, baseReg(m.group(4)), Numbers.offset16(m.group(5) + m.group(6)), src), line);
        } else if ((m = CMPXCHG.matcher(code)).matches()) {
            if (anyReg(m, 1) != Reg.R0 || anyReg(m, 7) != Reg.R0) throw new SyntaxError("cmpxchg compares with and returns into r0");
            Size size = m.group(3).equals("cmpxchg_64") ? Size.DW : Size.W;
            b.add(new Insn.Atomic(size, AtomicOp.CMPXCHG, true, baseReg(m.group(4)), Numbers.offset16(m.group(5) + m.group(6)), anyReg(m, 9)), line);
        } else if ((m = LDDW.matcher(code)).matches()) {
            if (m.group(1).equals("w")) throw new SyntaxError("a 64-bit constant needs an r register");
            b.add(Insn.LoadImm64.constant(reg(m, 1, Width.W64), Numbers.imm64(num(m.group(3)))), line);
        } else if ((m = LD_PSEUDO.matcher(code)).matches()) {
            LddwSource source = LddwSource.decode(Numbers.small(m.group(3), "pseudo source"));
            if (source == null || source == LddwSource.IMM64) throw new SyntaxError("invalid ld_pseudo source " + m.group(3));
            int next = m.group(5) == null ? 0 : Numbers.imm32(num(m.group(5)));
            b.add(new Insn.LoadImm64(reg(m, 1, Width.W64), source, Numbers.imm32(num(m.group(4))), next), line);
        } else if ((m = ENDIAN.matcher(code)).matches()) {
            Reg dst = anyReg(m, 1);
            if (anyReg(m, 5) != dst) throw new SyntaxError("byte swap works in place: both registers must be the same");
            EndianOp op = switch (m.group(3)) {
                case "le" -> EndianOp.LE;
                case "be" -> EndianOp.BE;
                default -> EndianOp.BSWAP;
            };
            b.add(new Insn.Endian(op, Integer.parseInt(m.group(4)), dst), line);
        } else if ((m = NEG.matcher(code)).matches()) {
            Width w = width(m, 1);
            Reg dst = reg(m, 1, w);
            if (reg(m, 3, w) != dst) throw new SyntaxError("negation works in place: both registers must be the same");
            b.add(new Insn.Alu(w, AluOp.NEG, dst, Imm.ZERO), line);
        } else if ((m = MOVSX.matcher(code)).matches()) {
            Width w = width(m, 1);
            AluOp op = switch (m.group(3)) {
                case "8" -> AluOp.MOVSX8;
                case "16" -> AluOp.MOVSX16;
                default -> AluOp.MOVSX32;
            };
            b.add(new Insn.Alu(w, op, reg(m, 1, w), reg(m, 4, w)), line);
        } else if ((m = ALU.matcher(code)).matches()) {
            Width w = width(m, 1);
            b.add(new Insn.Alu(w, ALU_OPS.get(m.group(3)), reg(m, 1, w), operand(m, 4, w)), line);
        } else {
            throw new SyntaxError("cannot parse instruction '" + code + "'");
        }
    }

    private interface OffsetInsn {
        Insn make(int offset);
    }

    private static void target(ProgramBuilder b, String text, int line, boolean wide, OffsetInsn make) {
        if (Numbers.looksNumeric(text)) {
            String t = text.replace(" ", "");
            b.add(make.make(wide ? Numbers.offset32(t) : Numbers.offset16(t)), line);
            return;
        }
        b.addBranch(text, off -> {
            if (!wide && off != (short) off) throw new SyntaxError("jump offset " + off + " does not fit in 16 bits");
            return make.make(off);
        }, line);
    }

    private static String num(String s) {
        return s.replace(" ", "");
    }

    private static Size size(String ctype, boolean signed) {
        int bits = Integer.parseInt(ctype.substring(1));
        if (ctype.startsWith("s") && !signed) throw new SyntaxError("signed type " + ctype + " is only valid in loads");
        if (signed && bits == 64) throw new SyntaxError("there is no sign-extending 64-bit load");
        return Size.ofBytes(bits / 8);
    }

    private static Width width(Matcher m, int group) {
        return m.group(group).equals("w") ? Width.W32 : Width.W64;
    }

    /// The register in groups `group` (r/w) and `group + 1` (number), which must have width `w`.
    private static Reg reg(Matcher m, int group, Width w) {
        String kind = m.group(group);
        if (!kind.equals(w == Width.W32 ? "w" : "r")) {
            throw new SyntaxError("register " + kind + m.group(group + 1) + " mixes 32-bit (w) and 64-bit (r) operands");
        }
        return anyReg(m, group);
    }

    private static Reg anyReg(Matcher m, int group) {
        return baseReg(m.group(group + 1));
    }

    private static Reg baseReg(String digits) {
        Reg r = digits.length() > 2 ? null : Reg.ofOrNull(Integer.parseInt(digits));
        if (r == null) throw new SyntaxError("invalid register r" + digits + " (r0..r10)");
        return r;
    }

    private static Operand operand(Matcher m, int group, Width w) {
        if (m.group(group) != null) return reg(m, group, w);
        return new Imm(Numbers.imm32(num(m.group(group + 2))));
    }

    private static Reg memBase(Matcher m, int group) {
        if (!m.group(group).equals("r")) throw new SyntaxError("a memory base must be an r register");
        return anyReg(m, group);
    }

    private static short memOffset(Matcher m, int signGroup) {
        if (m.group(signGroup) == null) return 0;
        return Numbers.offset16(m.group(signGroup) + m.group(signGroup + 1));
    }
}
