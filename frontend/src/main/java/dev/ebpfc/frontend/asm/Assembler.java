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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/// Assembles the bpf_conformance/uBPF syntax (`mov32 %r0, 1`, `ldxw %r0, [%r1+4]`,
/// `jne %r1, 0, label`, `lock fetch add [%r10-8], %r1`) into a [Program]. Reads back everything
/// [dev.ebpfc.frontend.insn.Syntax] prints, including ebpfc's extensions (`lddw %r1, map_idx 2, 16`,
/// `ldabsw 12`, `ldindb %r1, 4`, `call kfunc 7`). `#` starts a comment; `name:` defines a label
/// (a label may be spelled like a mnemonic); jump targets are labels or `+N`/`-N` slots; the target
/// `exit` with no such label is the first `exit` instruction, as in the bpf_conformance assembler.
/// 64-bit ALU and jump mnemonics take no suffix or `64`; 32-bit ones take `32`.
public final class Assembler {
    private Assembler() {
    }

    private record AluName(AluOp op, Width width) {
    }

    private record CondName(Cond cond, Width width) {
    }

    private record EndianName(EndianOp op, int bits) {
    }

    private record MemName(Size size, boolean signExtend) {
    }

    private static final Map<String, AluName> ALU = new HashMap<>();
    private static final Map<String, CondName> JUMPS = new HashMap<>();
    private static final Map<String, EndianName> ENDIAN = new HashMap<>();
    private static final Map<String, MemName> LOADS = new HashMap<>();
    private static final Map<String, Size> STORES = new HashMap<>();
    private static final Map<String, Size> STORES_X = new HashMap<>();
    private static final Map<String, Size> PACKET_ABS = new HashMap<>();
    private static final Map<String, Size> PACKET_IND = new HashMap<>();

    static {
        for (AluOp op : AluOp.values()) {
            if (op.isMovsx()) {
                ALU.put("movsx" + op.movsxBits() + "64", new AluName(op, Width.W64));
                if (op != AluOp.MOVSX32) ALU.put("movsx" + op.movsxBits() + "32", new AluName(op, Width.W32));
                continue;
            }
            ALU.put(op.mnemonic, new AluName(op, Width.W64));
            ALU.put(op.mnemonic + "64", new AluName(op, Width.W64));
            ALU.put(op.mnemonic + "32", new AluName(op, Width.W32));
        }
        for (Cond c : Cond.values()) {
            JUMPS.put(c.mnemonic, new CondName(c, Width.W64));
            JUMPS.put(c.mnemonic + "64", new CondName(c, Width.W64));
            JUMPS.put(c.mnemonic + "32", new CondName(c, Width.W32));
        }
        for (int bits : new int[] {16, 32, 64}) {
            ENDIAN.put("le" + bits, new EndianName(EndianOp.LE, bits));
            ENDIAN.put("be" + bits, new EndianName(EndianOp.BE, bits));
            ENDIAN.put("bswap" + bits, new EndianName(EndianOp.BSWAP, bits));
            // The bpf_conformance suite spells the unconditional swap `swapN`.
            ENDIAN.put("swap" + bits, new EndianName(EndianOp.BSWAP, bits));
        }
        for (Size s : Size.values()) {
            LOADS.put("ldx" + s.suffix, new MemName(s, false));
            if (s != Size.DW) LOADS.put("ldxs" + s.suffix, new MemName(s, true));
            STORES.put("st" + s.suffix, s);
            STORES_X.put("stx" + s.suffix, s);
            if (s != Size.DW) {
                PACKET_ABS.put(PacketMode.ABS.mnemonic + s.suffix, s);
                PACKET_IND.put(PacketMode.IND.mnemonic + s.suffix, s);
            }
        }
    }

    private static final Pattern IDENT = Pattern.compile("[A-Za-z_.][A-Za-z0-9_.$]*");

    public static Program assemble(String text) {
        return assemble(text, null, 1);
    }

    /// Assembles `text`; messages name `origin` (may be null) and count lines from `firstLine`.
    public static Program assemble(String text, String origin, int firstLine) {
        return assemble(text, origin, firstLine, true);
    }

    private static final LineAssembler.Syntax SYNTAX = new LineAssembler.Syntax(Assembler::stripComment, Assembler::statement, true);

    private static Program assemble(String text, String origin, int firstLine, boolean checkTargets) {
        return LineAssembler.assemble(SYNTAX, text, origin, firstLine, checkTargets);
    }

    /// Parses one instruction out of context: branch offsets are taken as they are, and must be
    /// numeric.
    public static Insn parseInsn(String text) {
        return LineAssembler.parseInsn(SYNTAX, text);
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return (hash >= 0 ? line.substring(0, hash) : line).strip();
    }

    private static void statement(ProgramBuilder b, String code, int line) {
        int sp = indexOfSpace(code);
        String mn = sp < 0 ? code : code.substring(0, sp);
        String rest = sp < 0 ? "" : code.substring(sp).strip();
        if (mn.equals("lock")) {
            b.add(lock(rest), line);
            return;
        }
        if (mn.equals("call")) {
            call(b, rest, line);
            return;
        }
        List<String> ops = operands(rest);
        if (mn.equals("exit")) {
            count(mn, ops, 0);
            b.add(new Insn.Exit(), line);
        } else if (mn.equals("ja") || mn.equals("ja32")) {
            count(mn, ops, 1);
            boolean wide = mn.equals("ja32");
            target(b, ops.get(0), line, wide, off -> new Insn.Goto(off, wide));
        } else if (mn.equals("lddw")) {
            b.add(lddw(ops), line);
        } else if (ALU.containsKey(mn)) {
            b.add(alu(mn, ALU.get(mn), ops), line);
        } else if (JUMPS.containsKey(mn)) {
            CondName c = JUMPS.get(mn);
            count(mn, ops, 3);
            Reg dst = reg(ops.get(0));
            Operand src = operand(ops.get(1));
            target(b, ops.get(2), line, false, off -> new Insn.Jump(c.width(), c.cond(), dst, src, (short) off));
        } else if (ENDIAN.containsKey(mn)) {
            count(mn, ops, 1);
            EndianName e = ENDIAN.get(mn);
            b.add(new Insn.Endian(e.op(), e.bits(), reg(ops.get(0))), line);
        } else if (LOADS.containsKey(mn)) {
            count(mn, ops, 2);
            MemName l = LOADS.get(mn);
            Mem mem = mem(ops.get(1));
            b.add(new Insn.Load(l.size(), l.signExtend(), reg(ops.get(0)), mem.base(), mem.offset()), line);
        } else if (STORES.containsKey(mn)) {
            count(mn, ops, 2);
            Mem mem = mem(ops.get(0));
            b.add(new Insn.Store(STORES.get(mn), mem.base(), mem.offset(), new Imm(Numbers.imm32(ops.get(1)))), line);
        } else if (STORES_X.containsKey(mn)) {
            count(mn, ops, 2);
            Mem mem = mem(ops.get(0));
            b.add(new Insn.Store(STORES_X.get(mn), mem.base(), mem.offset(), reg(ops.get(1))), line);
        } else if (PACKET_ABS.containsKey(mn)) {
            count(mn, ops, 1);
            b.add(new Insn.LoadPacket(PACKET_ABS.get(mn), PacketMode.ABS, null, Numbers.imm32(ops.get(0))), line);
        } else if (PACKET_IND.containsKey(mn)) {
            count(mn, ops, 2);
            b.add(new Insn.LoadPacket(PACKET_IND.get(mn), PacketMode.IND, reg(ops.get(0)), Numbers.imm32(ops.get(1))), line);
        } else {
            throw new SyntaxError("invalid mnemonic '" + mn + "'");
        }
    }

    private static Insn alu(String mn, AluName a, List<String> ops) {
        if (a.op() == AluOp.NEG) {
            count(mn, ops, 1);
            return new Insn.Alu(a.width(), AluOp.NEG, reg(ops.get(0)), Imm.ZERO);
        }
        count(mn, ops, 2);
        Reg dst = reg(ops.get(0));
        if (a.op().isMovsx()) return new Insn.Alu(a.width(), a.op(), dst, reg(ops.get(1)));
        return new Insn.Alu(a.width(), a.op(), dst, operand(ops.get(1)));
    }

    /// `lock [fetch] op[32] [%rX+off], %rY`.
    private static Insn lock(String rest) {
        String usage = "lock needs an operation and 2 operands: lock [fetch] add|and|or|xor|xchg|cmpxchg[32] [%rX+off], %rY";
        if (rest.isEmpty()) throw new SyntaxError(usage);
        int sp = indexOfSpace(rest);
        String word = sp < 0 ? rest : rest.substring(0, sp);
        rest = sp < 0 ? "" : rest.substring(sp).strip();
        boolean fetch = false;
        if (word.equals("fetch")) {
            fetch = true;
            if (rest.isEmpty()) throw new SyntaxError(usage);
            sp = indexOfSpace(rest);
            word = sp < 0 ? rest : rest.substring(0, sp);
            rest = sp < 0 ? "" : rest.substring(sp).strip();
        }
        Size size = Size.DW;
        String name = word;
        if (word.endsWith("32")) {
            size = Size.W;
            name = word.substring(0, word.length() - 2);
        } else if (word.endsWith("64")) {
            name = word.substring(0, word.length() - 2);
        }
        AtomicOp op = null;
        for (AtomicOp o : AtomicOp.values()) {
            if (o.mnemonic.equals(name)) op = o;
        }
        if (op == null) throw new SyntaxError("invalid atomic operation '" + word + "' (add, and, or, xor, xchg, cmpxchg, with 32 for 32-bit)");
        List<String> ops = operands(rest);
        if (ops.size() != 2) throw new SyntaxError("invalid operand count: lock " + word + " needs 2 operands ([%rX+off], %rY), found " + ops.size());
        Mem mem = mem(ops.get(0));
        return new Insn.Atomic(size, op, fetch || op.requiresFetch(), mem.base(), mem.offset(), reg(ops.get(1)));
    }

    /// `call N`, `call helper N`, `call local target`, `call kfunc N[, module]`, `call %rN`.
    private static void call(ProgramBuilder b, String rest, int line) {
        List<String> ops = operands(rest);
        if (ops.isEmpty()) throw new SyntaxError("call needs a target (helper number, local label or %rN)");
        String first = ops.get(0);
        int sp = indexOfSpace(first);
        String kind = sp < 0 ? null : first.substring(0, sp);
        String arg = sp < 0 ? first : first.substring(sp).strip();
        if (kind == null) {
            count("call", ops, 1);
            if (arg.startsWith("%")) b.add(new Insn.CallIndirect(reg(arg)), line);
            else b.add(new Insn.Call(CallKind.HELPER, Numbers.imm32(arg)), line);
            return;
        }
        switch (kind) {
            case "helper" -> {
                count("call helper", ops, 1);
                b.add(new Insn.Call(CallKind.HELPER, Numbers.imm32(arg)), line);
            }
            case "local" -> {
                count("call local", ops, 1);
                target(b, arg, line, true, off -> new Insn.Call(CallKind.LOCAL, off));
            }
            case "kfunc", "runtime" -> {
                if (ops.size() > 2) throw new SyntaxError("call kfunc takes a BTF id and an optional module index, found " + ops.size() + " operands");
                short module = ops.size() == 2 ? Numbers.offset16(ops.get(1)) : 0;
                b.add(new Insn.Call(CallKind.KFUNC, Numbers.imm32(arg), module), line);
            }
            default -> throw new SyntaxError("invalid call kind '" + kind + "' (helper, local, kfunc)");
        }
    }

    /// `lddw %rN, constant` or ebpfc's `lddw %rN, source imm[, next_imm]` for pseudo sources.
    private static Insn lddw(List<String> ops) {
        if (ops.size() < 2 || ops.size() > 3) throw new SyntaxError("invalid operand count for lddw: needs 2 operands (%rN, constant), found " + ops.size());
        Reg dst = reg(ops.get(0));
        String second = ops.get(1);
        int sp = indexOfSpace(second);
        if (sp < 0) {
            if (ops.size() != 2) throw new SyntaxError("invalid operand count for lddw: a constant load takes 2 operands, found " + ops.size());
            return Insn.LoadImm64.constant(dst, Numbers.imm64(second));
        }
        String keyword = second.substring(0, sp);
        LddwSource source = null;
        for (LddwSource s : LddwSource.values()) {
            if (s.keyword.equals(keyword)) source = s;
        }
        if (source == null) throw new SyntaxError("invalid lddw source '" + keyword + "'");
        int imm = Numbers.imm32(second.substring(sp).strip());
        int next = ops.size() == 3 ? Numbers.imm32(ops.get(2)) : 0;
        return new Insn.LoadImm64(dst, source, imm, next);
    }

    private interface OffsetInsn {
        Insn make(int offset);
    }

    /// A branch target: `+N`/`-N`/`N` slots, or a label resolved later.
    private static void target(ProgramBuilder b, String text, int line, boolean wide, OffsetInsn make) {
        if (Numbers.looksNumeric(text)) {
            int off = wide ? Numbers.offset32(text) : Numbers.offset16(text);
            b.add(make.make(off), line);
            return;
        }
        if (!IDENT.matcher(text).matches()) throw new SyntaxError("invalid jump target '" + text + "' (a label or +N/-N)");
        b.addBranch(text, off -> {
            if (!wide && off != (short) off) throw new SyntaxError("jump offset " + off + " does not fit in 16 bits");
            return make.make(off);
        }, line);
    }

    record Mem(Reg base, short offset) {
    }

    /// `[%rN]`, `[%rN+off]`, `[%rN-off]`.
    static Mem mem(String text) {
        String t = text.strip();
        if (!t.startsWith("[") || !t.endsWith("]")) throw new SyntaxError("expected a memory operand [%rN+offset], found '" + text + "'");
        String inner = t.substring(1, t.length() - 1).strip();
        int sign = -1;
        for (int i = 1; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '+' || c == '-') {
                sign = i;
                break;
            }
        }
        if (sign < 0) return new Mem(reg(inner), (short) 0);
        Reg base = reg(inner.substring(0, sign).strip());
        String off = inner.substring(sign).replace(" ", "");
        return new Mem(base, Numbers.offset16(off));
    }

    static Reg reg(String text) {
        String t = text.strip();
        if (!t.startsWith("%r")) throw new SyntaxError("invalid register '" + text + "' (expected %r0..%r10)");
        String digits = t.substring(2);
        Reg r = null;
        if (!digits.isEmpty() && digits.length() <= 2 && digits.chars().allMatch(c -> c >= '0' && c <= '9')
                && (digits.length() == 1 || digits.charAt(0) != '0')) {
            r = Reg.ofOrNull(Integer.parseInt(digits));
        }
        if (r == null) throw new SyntaxError("invalid register '" + text + "' (expected %r0..%r10)");
        return r;
    }

    private static Operand operand(String text) {
        return text.strip().startsWith("%") ? reg(text) : new Imm(Numbers.imm32(text));
    }

    private static void count(String mn, List<String> ops, int n) {
        if (ops.size() != n) {
            throw new SyntaxError("invalid operand count for " + mn + ": needs " + n + " operand" + (n == 1 ? "" : "s") + ", found " + ops.size());
        }
    }

    /// Splits at commas outside brackets; an empty operand is an error.
    private static List<String> operands(String rest) {
        List<String> out = new ArrayList<>();
        if (rest.isBlank()) return out;
        int depth = 0, start = 0;
        for (int i = 0; i <= rest.length(); i++) {
            char c = i < rest.length() ? rest.charAt(i) : ',';
            if (c == '[') depth++;
            else if (c == ']') depth--;
            else if (c == ',' && depth <= 0) {
                String op = rest.substring(start, i).strip();
                if (op.isEmpty()) throw new SyntaxError("empty operand in '" + rest + "'");
                out.add(op);
                start = i + 1;
            }
        }
        return out;
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) return i;
        }
        return -1;
    }
}
