package dev.ebpfc.emulator.gen;

import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/// An instruction list with symbolic labels, for the generator: branches, local calls and
/// `lddw func` name a label, and [#build] turns labels into slot-relative offsets once every
/// instruction's slot is known. Code goes into numbered sections (one per function) that may be
/// written in any order and are laid out by number, so callees can be written before callers.
final class CodeBuffer {
    /// An instruction whose offset waits for a label: `make` gets the offset from the
    /// instruction's slot plus one to the label (what jumps and calls count from, and what Linux
    /// counts `BPF_PSEUDO_FUNC` from, although lddw is two slots long).
    private record Fixup(int label, IntFunction<Insn> make) {
    }

    private final List<List<Object>> sections = new ArrayList<>();
    private List<Object> items;
    private int current;
    private int[] labelSection = new int[16];
    private int[] labelIndex = new int[16];
    private int labels;

    /// Makes section `n` the one emitted into.
    void section(int n) {
        while (sections.size() <= n) sections.add(new ArrayList<>());
        current = n;
        items = sections.get(n);
    }

    int newLabel() {
        if (labels == labelIndex.length) {
            labelIndex = Arrays.copyOf(labelIndex, labels * 2);
            labelSection = Arrays.copyOf(labelSection, labels * 2);
        }
        labelIndex[labels] = -1;
        return labels++;
    }

    /// Places `label` before the next instruction emitted into the current section.
    void bind(int label) {
        if (labelIndex[label] >= 0) throw new IllegalStateException("label " + label + " bound twice");
        labelSection[label] = current;
        labelIndex[label] = items.size();
    }

    void emit(Insn insn) {
        items.add(insn);
    }

    /// A branch, local call or `lddw func` naming `label`; `make` builds it from the offset.
    void toLabel(int label, IntFunction<Insn> make) {
        items.add(new Fixup(label, make));
    }

    Program build() {
        int[] sectionStart = new int[sections.size() + 1];
        List<Object> all = new ArrayList<>();
        for (int s = 0; s < sections.size(); s++) {
            sectionStart[s] = all.size();
            all.addAll(sections.get(s));
        }
        int n = all.size();
        int[] slot = new int[n + 1];
        for (int i = 0; i < n; i++) {
            Object it = all.get(i);
            int width = it instanceof Insn insn ? insn.slots() : ((Fixup) it).make().apply(0).slots();
            slot[i + 1] = slot[i] + width;
        }
        List<Insn> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Object it = all.get(i);
            if (it instanceof Insn insn) {
                out.add(insn);
            } else {
                Fixup f = (Fixup) it;
                if (labelIndex[f.label()] < 0) throw new IllegalStateException("label " + f.label() + " never bound");
                int at = sectionStart[labelSection[f.label()]] + labelIndex[f.label()];
                out.add(f.make().apply(slot[at] - (slot[i] + 1)));
            }
        }
        return new Program(out);
    }
}
