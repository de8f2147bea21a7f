package dev.ebpfc.backend.mir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/// A function in machine form: blocks in layout order (block `i` has id `i`; block 0 is the entry)
/// and the number of virtual registers. Physical registers are only used as short-lived fixed
/// constraints inside one block (the selector copies into and out of them around the constrained
/// instruction); they are never live across a block boundary.
///
/// Each instruction may carry the bytecode slot it comes from ([#slotOf]), so that code for it
/// can be mapped back to the slot (faults, helper stops).
public final class MachineFunction {
    private final List<MachineBlock> blocks = new ArrayList<>();
    private final Map<MachineInst, Integer> slots = new IdentityHashMap<>();
    private int vregs;

    /// Records that `inst` (this very instance) implements bytecode slot `slot`.
    public void setSlot(MachineInst inst, int slot) {
        if (slot >= 0) slots.put(inst, slot);
    }

    /// The bytecode slot `inst` implements, or -1 when none was recorded.
    public int slotOf(MachineInst inst) {
        return slots.getOrDefault(inst, -1);
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
