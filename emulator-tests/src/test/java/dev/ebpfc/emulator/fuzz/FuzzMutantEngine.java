package dev.ebpfc.emulator.fuzz;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;

import java.util.List;

/// A deliberately wrong engine for campaign tests (a small copy of the rewriting half of
/// `diff/MutantEngine`, which is package-private there): the reference interpreter running the
/// program with one kind of instruction replaced by the wrong one a buggy JIT would emit.
final class FuzzMutantEngine implements Engine {
    enum Mutant {
        /// Shows in few programs: arithmetic right shifts of negative values.
        ARSH_AS_RSH,
        /// Shows in many programs: every byte store also clobbers the next byte.
        BYTE_STORE_WRITES_TWO,
        /// Shows in some programs: 32-bit jgt compares all 64 bits.
        JMP32_JGT_COMPARES_64
    }

    private final Mutant mutant;
    private final InterpreterEngine interp = new InterpreterEngine();

    FuzzMutantEngine(Mutant mutant) {
        this.mutant = mutant;
    }

    static EngineFactory factory(Mutant m) {
        return new EngineFactory(new FuzzMutantEngine(m).name(), () -> new FuzzMutantEngine(m));
    }

    @Override
    public String name() {
        return "mutant-" + mutant.name().toLowerCase().replace('_', '-');
    }

    @Override
    public ExecutionResult run(BpfObject object, int program, MapSet maps, RunInput input, RuntimeOptions options) {
        Program p = object.programs().get(program).program();
        List<Insn> out = p.insns().stream().map(this::mutate).toList();
        BpfObject o = new BpfObject(object.origin(), List.of(ProgramDef.of("mutant", new Program(out))), object.maps(), object.license());
        return interp.run(o, 0, maps, input, options);
    }

    private Insn mutate(Insn insn) {
        return switch (mutant) {
            case ARSH_AS_RSH -> insn instanceof Insn.Alu a && a.op() == AluOp.ARSH ? new Insn.Alu(a.width(), AluOp.RSH, a.dst(), a.src()) : insn;
            case BYTE_STORE_WRITES_TWO -> insn instanceof Insn.Store s && s.size() == Size.B ? new Insn.Store(Size.H, s.base(), s.offset(), s.value()) : insn;
            case JMP32_JGT_COMPARES_64 -> insn instanceof Insn.Jump j && j.width() == Width.W32 && j.cond() == Cond.JGT
                    ? new Insn.Jump(Width.W64, Cond.JGT, j.dst(), j.src(), j.offset()) : insn;
        };
    }
}
