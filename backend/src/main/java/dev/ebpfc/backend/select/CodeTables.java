package dev.ebpfc.backend.select;

import dev.ebpfc.backend.CodeBuffer.Label;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/// The slot tables of a [dev.ebpfc.backend.CompiledProgram] that every -O2 emitter fills the same
/// way: function offsets, slot offsets (each function's first slot, -1 elsewhere: what `callx`
/// can reach) and slot ranges (the machine code of instructions that may fault or call out, with
/// their bytecode slot). The emitter records labels while it emits and reads the tables after
/// assembly, when the labels have offsets.
public final class CodeTables {
    private record SlotRange(Label start, Label end, int slot) {
    }

    private final List<SlotRange> slotRanges = new ArrayList<>();

    /// Records that the code between `start` and `end` (bound around it) implements `slot`.
    public void slotRange(Label start, Label end, int slot) {
        slotRanges.add(new SlotRange(start, end, slot));
    }

    /// The recorded ranges as [dev.ebpfc.backend.CompiledProgram#slotRanges] triples, in the
    /// order recorded (code order), empty ones left out.
    public int[] slotRanges() {
        List<Integer> out = new ArrayList<>();
        for (SlotRange r : slotRanges) {
            if (r.end().offset() > r.start().offset()) out.addAll(List.of(r.start().offset(), r.end().offset(), r.slot()));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /// Where each function's code starts, from the labels bound there.
    public static int[] functionOffsets(Label[] functionLabels) {
        return Arrays.stream(functionLabels).mapToInt(Label::offset).toArray();
    }

    /// Each function's offset at its first slot, -1 at every other slot of `def`.
    public static int[] slotOffsets(ProgramDef def, List<SelectedFunction> functions, int[] functionOffsets) {
        int[] slotOffsets = new int[def.program().slotCount()];
        Arrays.fill(slotOffsets, -1);
        for (int i = 0; i < functions.size(); i++) {
            int slot = functions.get(i).slot();
            if (slot >= 0 && slot < slotOffsets.length) slotOffsets[slot] = functionOffsets[i];
        }
        return slotOffsets;
    }
}
