package dev.ebpfc.backend.regalloc;

import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.Reg;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/// The result of register allocation: a [Location] per virtual register, the frame slots used, the
/// callee-saved registers the prologue must save (and the epilogue restore), and the moves that
/// implement each edge's block-parameter copy, already sequentialized with the scratch register.
public record Allocation(Location[] locations, int slotCount, SortedSet<Integer> usedCalleeSaved,
                         RegisterSet registers, MachineFunction function) {
    public Location of(Reg r) {
        return switch (r) {
            case Reg.VReg v -> locations[v.id()];
            case Reg.PReg p -> new Location.InReg(p.num());
        };
    }

    /// The moves to perform when leaving `block` along its successor edge `succIndex`. The emitter
    /// places them on the edge (at the end of the source if it has one successor, else in a
    /// trampoline block); a slot-to-slot move needs the emitter's second scratch register.
    public List<ParallelCopy.Move> edgeMoves(MachineBlock block, int succIndex) {
        MachineBlock.Edge e = block.succs().get(succIndex);
        List<Reg.VReg> params = function.block(e.target()).params();
        List<ParallelCopy.Move> copies = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) copies.add(new ParallelCopy.Move(of(params.get(i)), of(e.args().get(i))));
        return ParallelCopy.sequentialize(copies, new Location.InReg(registers.scratch().getFirst()));
    }

    public int spilledCount() {
        int n = 0;
        for (Location l : locations) {
            if (l instanceof Location.InSlot) n++;
        }
        return n;
    }
}
