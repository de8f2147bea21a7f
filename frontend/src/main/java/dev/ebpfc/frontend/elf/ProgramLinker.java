package dev.ebpfc.frontend.elf;

import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.codec.EncodingException;
import dev.ebpfc.frontend.codec.RawInsn;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.object.LineInfo;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/// Links one program: the entry function's code followed by every function it reaches through
/// calls and function addresses, transitively, each appended once in order of first reference.
/// Call immediates and `lddw func` immediates are rewritten to the new positions; `lddw` with a
/// data relocation becomes `map_idx`/`map_idx_value` through the [DataResolver]. The result is
/// decoded (and so validated) by [Decoder], and every jump must stay inside its own function.
///
/// How clang encodes a callee (checked against LLVM 14 and 19 output): a `call` with no
/// relocation is relative within its own section (`target = slot + 1 + imm`); a `call` with an
/// `R_BPF_64_32` relocation targets slot `sym.value / 8 + imm + 1` of the symbol's section (`imm`
/// is -1 for a function symbol, the callee's slot - 1 for a section symbol). An `lddw` with
/// `R_BPF_64_64` addresses byte `sym.value + imm` of the symbol's section.
final class ProgramLinker {
    /// A function of a code section: slots `[start, end)`.
    record Function(String name, ElfSection section, int start, int end) {
        int length() {
            return end - start;
        }
    }

    /// An executable section: its slots, relocations by slot, functions by start slot.
    record CodeSection(ElfSection section, long[] slots, Map<Integer, ElfRelocation> relocations, Map<Integer, Function> functions) {
    }

    /// Turns an `lddw` relocation against a data symbol into `{source, imm, nextImm}`.
    interface DataResolver {
        int[] resolve(ElfSymbol symbol, long offset, String where);
    }

    private static final int OP_LDDW = 0x18;
    private static final int OP_CALL = 0x85;

    private final ElfFile elf;
    private final Map<Integer, CodeSection> code;
    private final DataResolver data;
    private final int mapCount;
    private final BtfExt ext;

    ProgramLinker(ElfFile elf, Map<Integer, CodeSection> code, DataResolver data, int mapCount, BtfExt ext) {
        this.elf = elf;
        this.code = code;
        this.data = data;
        this.mapCount = mapCount;
        this.ext = ext;
    }

    ProgramDef link(Function entry) {
        List<Function> order = new ArrayList<>();
        Map<Function, Integer> base = new LinkedHashMap<>();
        Set<Function> queued = new HashSet<>();
        order.add(entry);
        queued.add(entry);
        int total = 0;
        for (int k = 0; k < order.size(); k++) {
            Function f = order.get(k);
            base.put(f, total);
            total += f.length();
            CodeSection cs = code.get(f.section().index());
            for (int s = f.start(); s < f.end(); s++) {
                Function callee = callee(cs, f, s);
                if (callee != null && queued.add(callee)) order.add(callee);
            }
        }

        long[] out = new long[total];
        for (Function f : order) {
            CodeSection cs = code.get(f.section().index());
            int b = base.get(f);
            System.arraycopy(cs.slots(), f.start(), out, b, f.length());
            for (int s = f.start(); s < f.end(); s++) relocate(cs, f, s, b + s - f.start(), out, base);
        }

        Program program;
        try {
            program = Decoder.decode(out);
        } catch (EncodingException e) {
            String msg = e.getMessage();
            int cut = msg.indexOf("): ");
            throw elf.fail(whereLinked(Math.min(e.slot(), total - 1), order, base, entry), cut < 0 ? msg : msg.substring(cut + 3));
        }
        checkJumps(program, order, base, entry);

        List<ProgramDef.Function> functions = new ArrayList<>();
        for (Function f : order) functions.add(new ProgramDef.Function(f.name(), base.get(f)));
        return new ProgramDef(entry.name(), entry.section().name(), program, functions, lines(order, base));
    }

    /// The function slot `s` calls or takes the address of, or null when it does neither.
    private Function callee(CodeSection cs, Function f, int s) {
        RawInsn r = RawInsn.fromLong(cs.slots()[s]);
        ElfRelocation rel = cs.relocations().get(s);
        String where = cs.section().where(s * 8L);
        if (rel != null && rel.type() == ElfRelocation.R_BPF_64_32) {
            if (r.opcode() != OP_CALL || r.src() != 1) {
                throw elf.fail(where, "R_BPF_64_32 relocation on " + r + ", which is not a local call");
            }
            ElfSymbol sym = symbol(rel, where);
            CodeSection target = code.get(sym.shndx());
            if (target == null) throw elf.fail(where, "call relocation against " + sym + ", which is not in a code section");
            if (sym.value() % 8 != 0) throw elf.fail(where, "call relocation against " + sym + " at unaligned offset 0x" + Long.toHexString(sym.value()));
            return functionAt(target, sym.value() / 8 + r.imm() + 1, where, "call");
        }
        if (rel != null && rel.type() == ElfRelocation.R_BPF_64_64) {
            ElfSymbol sym = symbol(rel, where);
            CodeSection target = code.get(sym.shndx());
            if (target == null) return null; // data: handled by relocate
            checkLddw(cs, f, s, r, where);
            long address = sym.value() + r.imm();
            if (address % 8 != 0) throw elf.fail(where, "function address " + sym + " + " + r.imm() + " is not instruction-aligned");
            return functionAt(target, address / 8, where, "function address");
        }
        if (rel == null && r.opcode() == OP_CALL && r.src() == 1) return functionAt(cs, (long) s + 1 + r.imm(), where, "call");
        if (rel == null && r.opcode() == OP_LDDW && r.src() == LddwSource.FUNC.code()) {
            return functionAt(cs, (long) s + 1 + r.imm(), where, "function address");
        }
        return null;
    }

    /// Rewrites slot `s` of `cs` (at `p` in `out`) for its relocation or local reference.
    private void relocate(CodeSection cs, Function f, int s, int p, long[] out, Map<Function, Integer> base) {
        RawInsn r = RawInsn.fromLong(cs.slots()[s]);
        ElfRelocation rel = cs.relocations().get(s);
        String where = cs.section().where(s * 8L);
        Function callee = callee(cs, f, s);
        if (callee != null) {
            int imm = base.get(callee) - (p + 1);
            int src = r.opcode() == OP_LDDW ? LddwSource.FUNC.code() : r.src();
            out[p] = new RawInsn(r.opcode(), r.dst(), src, r.offset(), imm).toLong();
            return;
        }
        if (rel != null) {
            switch (rel.type()) {
                case ElfRelocation.R_BPF_NONE -> {
                }
                case ElfRelocation.R_BPF_64_64 -> {
                    checkLddw(cs, f, s, r, where);
                    ElfSymbol sym = symbol(rel, where);
                    int[] resolved = data.resolve(sym, sym.value() + r.imm(), where);
                    out[p] = new RawInsn(r.opcode(), r.dst(), resolved[0], r.offset(), resolved[1]).toLong();
                    out[p + 1] = new RawInsn(0, 0, 0, (short) 0, resolved[2]).toLong();
                }
                default -> throw elf.fail(where, "relocation type " + rel.type() + " against " + symbol(rel, where) + " is not valid in code");
            }
            return;
        }
        if (r.opcode() == OP_LDDW && (r.src() == LddwSource.MAP_IDX.code() || r.src() == LddwSource.MAP_IDX_VALUE.code())
                && Integer.toUnsignedLong(r.imm()) >= mapCount) {
            throw elf.fail(where, "lddw names map " + Integer.toUnsignedString(r.imm()) + ", the object has " + mapCount);
        }
    }

    private void checkLddw(CodeSection cs, Function f, int s, RawInsn r, String where) {
        if (r.opcode() != OP_LDDW) throw elf.fail(where, "R_BPF_64_64 relocation on " + r + ", which is not lddw");
        if (r.src() != 0) throw elf.fail(where, "relocated lddw already has source " + r.src());
        if (s + 1 >= f.end()) throw elf.fail(where, "relocated lddw is cut off by the end of function " + f.name());
        if (RawInsn.fromLong(cs.slots()[s + 1]).imm() != 0) throw elf.fail(where, "relocated lddw has a nonzero upper half");
    }

    private ElfSymbol symbol(ElfRelocation rel, String where) {
        ElfSymbol sym = elf.symbols().get(rel.symbol());
        if (!sym.isDefined()) {
            throw elf.fail(where, "relocation against undefined " + sym + " (externs, kfuncs and ksyms cannot be resolved)");
        }
        return sym;
    }

    private Function functionAt(CodeSection cs, long slot, String where, String what) {
        Function f = slot >= 0 && slot <= Integer.MAX_VALUE ? cs.functions().get((int) slot) : null;
        if (f == null) {
            throw elf.fail(where, what + " lands at slot " + slot + " of " + cs.section().where() + ", which is not the start of a function");
        }
        return f;
    }

    /// Jumps must stay inside the function they belong to, and every function must start on an
    /// instruction (not inside an `lddw` of the previous one).
    private void checkJumps(Program program, List<Function> order, Map<Function, Integer> base, Function entry) {
        for (Function f : order) {
            int b = base.get(f);
            if (program.indexAtSlot(b) < 0) throw elf.fail(whereLinked(b, order, base, entry), "function starts inside an lddw");
            int i = program.indexAtSlot(b);
            while (i < program.size() && program.slot(i) < b + f.length()) {
                Insn insn = program.get(i);
                if (insn instanceof Insn.Jump || insn instanceof Insn.Goto) {
                    int t = program.branchTarget(i);
                    if (t < b || t >= b + f.length()) {
                        throw elf.fail(whereLinked(program.slot(i), order, base, entry), "jump leaves function " + f.name());
                    }
                }
                i++;
            }
        }
    }

    private List<LineInfo> lines(List<Function> order, Map<Function, Integer> base) {
        if (ext == null) return List.of();
        List<LineInfo> out = new ArrayList<>();
        for (Function f : order) {
            for (BtfExt.LineRecord l : ext.lineInfo().getOrDefault(f.section().name(), List.of())) {
                if (l.insnOffset() % 8 != 0) continue;
                long slot = l.insnOffset() / 8;
                if (slot < f.start() || slot >= f.end()) continue;
                out.add(new LineInfo(base.get(f) + (int) (slot - f.start()), l.file(), l.line(), l.column(), l.source()));
            }
        }
        out.sort(Comparator.comparingInt(LineInfo::slot));
        return out;
    }

    /// Names slot `p` of the linked program by its section, offset and function.
    private String whereLinked(int p, List<Function> order, Map<Function, Integer> base, Function entry) {
        for (Function f : order) {
            int b = base.get(f);
            if (p >= b && p < b + f.length()) {
                return f.section().where((f.start() + (long) (p - b)) * 8) + " (function " + f.name() + ", program " + entry.name() + ")";
            }
        }
        return entry.section().where() + " (program " + entry.name() + ")";
    }

    /// Helper for the loader: functions of a section by start slot.
    static Map<Integer, Function> byStart(List<Function> functions) {
        Map<Integer, Function> m = new HashMap<>();
        for (Function f : functions) m.put(f.start(), f);
        return m;
    }
}
