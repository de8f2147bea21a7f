package dev.ebpfc.backend;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/// Machine code under construction, for any ISA: instructions, labels, instructions that refer to
/// labels ([Branch]), notes for the listing, and labels placed after the code (the constant
/// pool). [#assemble] lays it out with branch relaxation and encodes it.
///
/// Relaxation: every branch starts in its shortest form; each pass lays the code out and moves
/// every branch whose target is out of reach to its next longer form. Forms only grow, so the
/// process ends; it must reach a fixpoint within (branches × longer forms + 1) passes, which is
/// asserted. The same [Encoder] code sizes and emits, so sizes cannot disagree (also asserted).
///
/// The ISA supplies the [Encoder] and, per branch, its forms ([Branch]).
public final class CodeBuffer<I> {
    /// The ISA's encoder: appends one instruction whose label targets are byte offsets in the
    /// buffer. A fresh encoder starts at offset 0.
    public interface Encoder<I> {
        void emit(I insn);

        int position();

        byte[] toByteArray();
    }

    /// An instruction that refers to a label, in forms ordered from shortest to longest (x86
    /// `jcc` rel8/rel32; ARM64 `b.cond` / inverted `b.cond` over `b`). An encoding's size may
    /// depend on the form, never on the target.
    public interface Branch<I> {
        int forms();

        /// The instruction in form `form` with its target at byte offset `target`.
        I insn(int form, int target);

        /// Whether form `form`, placed at `[at, end)`, reaches `target`.
        boolean reaches(int form, int at, int end, int target);
    }

    /// A position in the code, bound once.
    public static final class Label {
        private final String name;
        private int offset = -1;
        private boolean bound;
        /// For labels placed after the code: alignment and offset past the aligned end.
        private int trailerAlign;
        private int trailerOffset = -1;

        private Label(String name) {
            this.name = name;
        }

        /// The byte offset; valid after [CodeBuffer#assemble].
        public int offset() {
            if (offset < 0) throw new IllegalStateException("label " + name + " has no offset yet");
            return offset;
        }

        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return name + (offset >= 0 ? "@" + offset : "");
        }
    }

    private sealed interface Item {
    }

    private record Fixed<I>(I insn) implements Item {
    }

    private static final class Ref<I> implements Item {
        final Branch<I> branch;
        final Label target;
        int form;

        Ref(Branch<I> branch, Label target) {
            this.branch = branch;
            this.target = target;
        }
    }

    private record Bind(Label label) implements Item {
    }

    private record Note(String text) implements Item {
    }

    /// One line of the assembled code: an instruction at `offset` of `size` bytes, or a note.
    public record Line<I>(int offset, int size, I insn, String note) {
    }

    /// The result of [#assemble]: the code bytes (without anything placed after it) and its
    /// lines for listings.
    public record Assembled<I>(byte[] code, List<Line<I>> lines) {
        /// `offset: bytes  text` per instruction, notes as `; note` lines.
        public String listing(Function<Line<I>, String> printer) {
            StringBuilder sb = new StringBuilder();
            for (Line<I> l : lines) {
                if (l.insn() == null) {
                    sb.append("; ").append(l.note()).append('\n');
                    continue;
                }
                String hex = HexFormat.of().formatHex(code, l.offset(), l.offset() + l.size());
                sb.append(String.format("%6x:  %-24s %s%n", l.offset(), hex, printer.apply(l)));
            }
            return sb.toString();
        }
    }

    private final Supplier<? extends Encoder<I>> encoders;
    private final List<Item> items = new ArrayList<>();
    private final List<Label> trailer = new ArrayList<>();
    private int passes;

    public CodeBuffer(Supplier<? extends Encoder<I>> encoders) {
        this.encoders = encoders;
    }

    public Label label(String name) {
        return new Label(name);
    }

    /// Binds `label` here.
    public void bind(Label label) {
        if (label.bound) throw new IllegalStateException("label " + label.name + " bound twice");
        label.bound = true;
        items.add(new Bind(label));
    }

    /// Binds `label` at `offset` bytes past the end of the code rounded up to `align` (a power
    /// of two): where the constant pool goes.
    public void bindAfterCode(Label label, int align, int offset) {
        if (label.bound) throw new IllegalStateException("label " + label.name + " bound twice");
        if (Integer.bitCount(align) != 1) throw new IllegalArgumentException("alignment " + align);
        label.bound = true;
        label.trailerAlign = align;
        label.trailerOffset = offset;
        trailer.add(label);
    }

    public void emit(I insn) {
        items.add(new Fixed<>(insn));
    }

    /// An instruction that refers to `target` (bound before or after this point).
    public void emit(Branch<I> branch, Label target) {
        items.add(new Ref<>(branch, target));
    }

    /// A line of commentary for the listing; no code.
    public void note(String text) {
        items.add(new Note(text));
    }

    /// Passes the last [#assemble] needed (1 when no branch had to grow).
    public int passes() {
        return passes;
    }

    @SuppressWarnings("unchecked")
    public Assembled<I> assemble() {
        int n = items.size();
        int[] size = new int[n];
        int[] at = new int[n];
        int refs = 0, maxForms = 1;
        for (int i = 0; i < n; i++) {
            switch (items.get(i)) {
                case Fixed<?> f -> size[i] = sizeOf((I) f.insn());
                case Ref<?> r -> {
                    refs++;
                    maxForms = Math.max(maxForms, r.branch.forms());
                    if (!r.target.bound) throw new IllegalStateException("label " + r.target.name + " is never bound");
                }
                case Bind b -> {
                }
                case Note t -> {
                }
            }
        }
        int bound = refs * (maxForms - 1) + 1;
        passes = 0;
        boolean changed;
        do {
            if (++passes > bound) throw new AssertionError("branch relaxation did not converge in " + bound + " passes");
            // Layout with the current forms.
            int pos = 0;
            for (int i = 0; i < n; i++) {
                Item it = items.get(i);
                at[i] = pos;
                if (it instanceof Ref<?> r) size[i] = sizeOf(((Ref<I>) r).branch.insn(r.form, 0));
                else if (it instanceof Bind b) b.label.offset = pos;
                pos += size[i];
            }
            placeTrailer(pos);
            // Grow every branch that does not reach.
            changed = false;
            for (int i = 0; i < n; i++) {
                if (items.get(i) instanceof Ref<?> r && !r.branch.reaches(r.form, at[i], at[i] + size[i], r.target.offset)) {
                    if (r.form + 1 >= r.branch.forms()) throw new IllegalStateException("no form of a branch reaches " + r.target);
                    r.form++;
                    changed = true;
                }
            }
        } while (changed);
        // Emit: the same encoder, with every target known.
        Encoder<I> enc = encoders.get();
        List<Line<I>> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Item it = items.get(i);
            if (enc.position() != at[i]) throw new AssertionError("item " + i + " at " + enc.position() + ", laid out at " + at[i]);
            I insn = switch (it) {
                case Fixed<?> f -> (I) f.insn();
                case Ref<?> r -> ((Ref<I>) r).branch.insn(r.form, r.target.offset);
                case Bind b -> null;
                case Note t -> {
                    lines.add(new Line<>(at[i], 0, null, t.text()));
                    yield null;
                }
            };
            if (insn == null) continue;
            enc.emit(insn);
            if (enc.position() - at[i] != size[i]) throw new AssertionError(insn + " encodes in " + (enc.position() - at[i]) + " bytes, sized " + size[i]);
            lines.add(new Line<>(at[i], size[i], insn, null));
        }
        return new Assembled<>(enc.toByteArray(), lines);
    }

    private void placeTrailer(int end) {
        for (Label l : trailer) l.offset = ((end + l.trailerAlign - 1) & -l.trailerAlign) + l.trailerOffset;
    }

    private int sizeOf(I insn) {
        Encoder<I> e = encoders.get();
        e.emit(insn);
        return e.position();
    }
}
