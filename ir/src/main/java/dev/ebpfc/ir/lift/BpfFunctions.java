package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/// The BPF functions of a linked program: each starts at slot 0 (the entry), at a slot listed in
/// `ProgramDef.functions()`, or at the target of a local call or `lddw func`, and runs to the next
/// start. Each gets a name that is a valid IR identifier: the ELF symbol where there is one, else
/// `fn_SLOT`. The table is a function of the program alone, so the IR interpreter can map
/// `func_addr @name` back to the same code address the bytecode interpreter uses.
public final class BpfFunctions {
    /// One function: its IR name and its slot range `[start, end)`.
    public record Span(String name, int start, int end) {
    }

    private final List<Span> spans;

    private BpfFunctions(List<Span> spans) {
        this.spans = List.copyOf(spans);
    }

    /// The functions of `def`, the entry first, then by slot.
    public static BpfFunctions of(ProgramDef def) {
        Program p = def.program();
        if (p.size() == 0) throw LiftException.invalid(0, "empty program");
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        Map<Integer, String> names = new LinkedHashMap<>();
        for (ProgramDef.Function f : def.functions()) {
            if (p.indexAtSlot(f.slot()) < 0) throw LiftException.invalid(f.slot(), "function " + f.name() + " does not start at an instruction");
            starts.add(f.slot());
            names.putIfAbsent(f.slot(), f.name());
        }
        for (int i = 0; i < p.size(); i++) {
            Insn insn = p.get(i);
            if ((insn instanceof Insn.Call c && c.kind() == CallKind.LOCAL)
                    || (insn instanceof Insn.LoadImm64 l && l.source() == LddwSource.FUNC)) {
                int t = p.branchTarget(i);
                if (p.indexAtSlot(t) < 0) throw LiftException.invalid(p.slot(i), "call to slot " + t + ", which is no instruction");
                starts.add(t);
            }
        }
        List<Span> spans = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int s : starts) {
            Integer next = starts.higher(s);
            String name = identifier(names.getOrDefault(s, s == 0 ? def.name() : "fn_" + s));
            String unique = name;
            for (int k = 2; !used.add(unique); k++) unique = name + "_" + k;
            spans.add(new Span(unique, s, next == null ? p.slotCount() : next));
        }
        return new BpfFunctions(spans);
    }

    /// Every function, the entry (slot 0) first.
    public List<Span> spans() {
        return spans;
    }

    /// The function starting at `slot`, or null.
    public Span at(int slot) {
        for (Span s : spans) if (s.start == slot) return s;
        return null;
    }

    /// Function name → first slot, for code addresses.
    public Map<String, Integer> slots() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Span s : spans) m.put(s.name, s.start);
        return m;
    }

    /// `name` with every character the IR text format does not allow in a function name
    /// replaced by `_` (names may hold letters, digits, `_`, `.` and `$`).
    static String identifier(String name) {
        if (name.isEmpty()) return "prog";
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$' ? c : '_');
        }
        return sb.toString();
    }
}
