package dev.ebpfc.frontend.object;

import java.util.List;

/// The result of loading an object file: programs, maps (indexed as `lddw map_idx` names them) and
/// the license. `origin` names the file for messages.
public record BpfObject(String origin, List<ProgramDef> programs, List<MapDef> maps, String license) {
    public BpfObject {
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
    }

    /// The program called `name`, or null.
    public ProgramDef program(String name) {
        for (ProgramDef p : programs) {
            if (p.name().equals(name)) return p;
        }
        return null;
    }
}
