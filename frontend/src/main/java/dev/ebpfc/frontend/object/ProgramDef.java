package dev.ebpfc.frontend.object;

import dev.ebpfc.frontend.insn.Program;

import java.util.List;

/// One entry point of an object: its name (the function symbol), its ELF section (which names the
/// program type: `xdp`, `socket`, `tc`…), and the code with every subprogram it calls linked after
/// the entry function. `functions` lists the entry slot of each function in `program` (the entry
/// first), `lines` the source lines by slot where BTF line info exists.
public record ProgramDef(String name, String section, Program program, List<Function> functions, List<LineInfo> lines) {
    public ProgramDef {
        functions = List.copyOf(functions);
        lines = List.copyOf(lines);
    }

    /// A function inside a linked program.
    public record Function(String name, int slot) {
    }

    /// A program from plain bytecode: one function, no section, no line info.
    public static ProgramDef of(String name, Program program) {
        return new ProgramDef(name, "", program, List.of(new Function(name, 0)), List.of());
    }

    /// The source line of `slot`, or null.
    public LineInfo lineAt(int slot) {
        LineInfo best = null;
        for (LineInfo l : lines) {
            if (l.slot() <= slot && (best == null || l.slot() >= best.slot())) best = l;
        }
        return best;
    }
}
