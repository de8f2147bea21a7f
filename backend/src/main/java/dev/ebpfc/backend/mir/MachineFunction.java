package dev.ebpfc.backend.mir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/// A function in machine form: blocks in layout order (block `i` has id `i`; block 0 is the entry)
/// and the number of virtual registers. Physical registers are only used as short-lived fixed
/// constraints inside one block (the selector copies into and out of them around the constrained
/// instruction); they are never live across a block boundary.
public final class MachineFunction {
    private final List<MachineBlock> blocks = new ArrayList<>();
    /// By identity: two instructions may be equal records from different slots.
    private final Map<MachineInst, Integer> sourceSlots = new IdentityHashMap<>();
    private int vregs;

    /// Records that `inst` was selected from bytecode slot `slot` (for error locations).
    public void setSourceSlot(MachineInst inst, int slot) {
        if (slot >= 0) sourceSlots.put(inst, slot);
    }

    /// The bytecode slot `inst` was selected from, or -1 when none was recorded. Emitters map
    /// the machine code of instructions that may fault or call out back to it
    /// ([dev.ebpfc.backend.CompiledProgram#slotRanges]), so errors name the interpreter's slot.
    public int sourceSlot(MachineInst inst) {
        return sourceSlots.getOrDefault(inst, -1);
    }

    public MachineBlock newBlock() {
        MachineBlock b = new MachineBlock(blocks.size());
        blocks.add(b);
        return b;
    }

    public Reg.VReg newVReg() {
        return new Reg.VReg(vregs++);
    }

    public int vregCount() {
        return vregs;
    }

    public List<MachineBlock> blocks() {
        return blocks;
    }

    public MachineBlock block(int id) {
        return blocks.get(id);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (MachineBlock b : blocks) {
            sb.append(b).append(b.params()).append(":\n");
            for (MachineInst i : b.insts()) sb.append("    ").append(i).append('\n');
            for (MachineBlock.Edge e : b.succs()) sb.append("    -> mblock").append(e.target()).append(e.args()).append('\n');
        }
        return sb.toString();
    }
}
