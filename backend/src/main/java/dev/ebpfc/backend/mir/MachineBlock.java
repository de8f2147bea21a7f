package dev.ebpfc.backend.mir;

import java.util.ArrayList;
import java.util.List;

/// A machine basic block mirroring an IR block: its parameters (virtual registers defined on entry,
/// by the parallel copy on each incoming edge), its instructions (the last one is the ISA's
/// terminator, if any), and its successor edges, each carrying the registers passed to the
/// successor's parameters. The edge arguments are read after the terminator's own uses.
public final class MachineBlock {
    public record Edge(int target, List<Reg> args) {
        public Edge {
            args = List.copyOf(args);
        }
    }

    private final int id;
    private final List<Reg.VReg> params = new ArrayList<>();
    private final List<MachineInst> insts = new ArrayList<>();
    private final List<Edge> succs = new ArrayList<>();

    public MachineBlock(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public List<Reg.VReg> params() {
        return params;
    }

    public List<MachineInst> insts() {
        return insts;
    }

    public List<Edge> succs() {
        return succs;
    }

    public MachineBlock add(MachineInst inst) {
        insts.add(inst);
        return this;
    }

    public MachineBlock edge(int target, Reg... args) {
        succs.add(new Edge(target, List.of(args)));
        return this;
    }

    @Override
    public String toString() {
        return "mblock" + id;
    }
}
