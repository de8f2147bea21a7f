package dev.ebpfc.emulator.diff;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.Tracer;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/// A deliberately wrong engine, for proving the differential runner, generator and shrinker catch
/// the bugs JITs make: the reference interpreter with one instruction class mis-executed. Two
/// honest mechanisms: rewriting the program into the wrong instruction the bug amounts to (JMP32
/// compared on 64 bits is a 64-bit jump), or patching the interpreter's registers right after the
/// instruction executes, through a [Tracer] (which sees the live register array before every
/// instruction; writing it is outside the tracer contract, and done here on purpose).
final class MutantEngine implements Engine {
    enum Mutant {
        ALU32_ADD_NO_ZERO_EXTEND("add32 keeps the upper half of dst"),
        JMP32_JGT_COMPARES_64("jgt32 compares all 64 bits"),
        SDIV_INT_MIN_BY_MINUS_ONE_IS_ZERO("sdiv INT_MIN by -1 gives 0 (trap fallback)"),
        ARSH_AS_RSH("arsh shifts in zeros"),
        SHIFT_COUNT_UNMASKED("shift by >= width gives 0 (count not masked)"),
        CMPXCHG_R0_KEPT_ON_FAILURE("cmpxchg does not load r0 when the compare fails"),
        BYTE_STORE_WRITES_TWO("stb/stxb store two bytes"),
        CALLEE_CLOBBERS_R6("a local function's r6 leaks into the caller"),
        SIGN_EXTENDING_LOAD_ZERO_EXTENDS("ldxs* zero-extends"),
        MOD_BY_ZERO_IS_ZERO("mod by 0 gives 0 instead of the dividend");

        final String description;

        Mutant(String description) {
            this.description = description;
        }
    }

    private final Mutant mutant;
    private final InterpreterEngine interp = new InterpreterEngine();

    MutantEngine(Mutant mutant) {
        this.mutant = mutant;
    }

    @Override
    public String name() {
        return "mutant-" + mutant.name().toLowerCase().replace('_', '-');
    }

    @Override
    public ExecutionResult run(BpfObject object, int program, MapSet maps, RunInput input, RuntimeOptions options) {
        Program p = object.programs().get(program).program();
        Program rewritten = rewrite(p);
        if (rewritten != null) {
            BpfObject o = new BpfObject(object.origin(), List.of(ProgramDef.of("mutant", rewritten)), object.maps(), object.license());
            return interp.run(o, 0, maps, input, options);
        }
        return interp.run(object, program, maps, input, options.withTracer(new Patcher(p)));
    }

    /// The program with the mutated instruction substituted one for one, or null for the mutants
    /// done by patching registers.
    private Program rewrite(Program p) {
        List<Insn> out = new ArrayList<>();
        for (Insn insn : p.insns()) {
            Insn m = switch (mutant) {
                case JMP32_JGT_COMPARES_64 -> insn instanceof Insn.Jump j && j.width() == Width.W32 && j.cond() == Cond.JGT
                        ? new Insn.Jump(Width.W64, Cond.JGT, j.dst(), j.src(), j.offset()) : insn;
                case ARSH_AS_RSH -> insn instanceof Insn.Alu a && a.op() == AluOp.ARSH ? new Insn.Alu(a.width(), AluOp.RSH, a.dst(), a.src()) : insn;
                case BYTE_STORE_WRITES_TWO -> insn instanceof Insn.Store s && s.size() == Size.B ? new Insn.Store(Size.H, s.base(), s.offset(), s.value()) : insn;
                case SIGN_EXTENDING_LOAD_ZERO_EXTENDS -> insn instanceof Insn.Load l && l.signExtend()
                        ? new Insn.Load(l.size(), false, l.dst(), l.base(), l.offset()) : insn;
                default -> null;
            };
            if (m == null) return null;
            out.add(m);
        }
        return new Program(out);
    }

    /// Applies the mutant's wrong result after the instruction it targets has executed: the next
    /// `step` call (every instruction, `exit` included, is stepped) patches the registers.
    private final class Patcher implements Tracer {
        private final Program program;
        private Consumer<long[]> pending;
        private int lastDepth;
        private long calleeR6;
        private boolean returning;

        Patcher(Program program) {
            this.program = program;
        }

        @Override
        public void step(int depth, int slot, long[] r) {
            if (pending != null) {
                pending.accept(r);
                pending = null;
            }
            if (mutant == Mutant.CALLEE_CLOBBERS_R6) {
                if (returning && depth < lastDepth) r[6] = calleeR6;
                returning = program.atSlot(slot) instanceof Insn.Exit && depth > 0;
                if (returning) calleeR6 = r[6];
                lastDepth = depth;
                return;
            }
            if (!(program.atSlot(slot) instanceof Insn insn)) return;
            switch (mutant) {
                case ALU32_ADD_NO_ZERO_EXTEND -> {
                    if (insn instanceof Insn.Alu a && a.width() == Width.W32 && a.op() == AluOp.ADD) {
                        int d = a.dst().number();
                        long upper = r[d] & 0xffff_ffff_0000_0000L;
                        pending = x -> x[d] = upper | (x[d] & 0xffff_ffffL);
                    }
                }
                case SDIV_INT_MIN_BY_MINUS_ONE_IS_ZERO -> {
                    if (insn instanceof Insn.Alu a && a.op() == AluOp.SDIV) {
                        int d = a.dst().number();
                        long divisor = a.src() instanceof Imm(int v) ? v : r[((Reg) a.src()).number()];
                        boolean hit = a.width() == Width.W64 ? r[d] == Long.MIN_VALUE && divisor == -1
                                : (int) r[d] == Integer.MIN_VALUE && (int) divisor == -1;
                        if (hit) pending = x -> x[d] = 0;
                    }
                }
                case SHIFT_COUNT_UNMASKED -> {
                    if (insn instanceof Insn.Alu a && a.op().isShift()) {
                        int d = a.dst().number();
                        long count = a.src() instanceof Imm(int v) ? v : r[((Reg) a.src()).number()];
                        int bits = a.width().bits();
                        if (count < 0 || count >= bits) {
                            boolean negative = a.width() == Width.W64 ? r[d] < 0 : (int) r[d] < 0;
                            long fill = a.op() == AluOp.ARSH && negative ? (a.width() == Width.W64 ? -1L : 0xffff_ffffL) : 0;
                            pending = x -> x[d] = fill;
                        }
                    }
                }
                case CMPXCHG_R0_KEPT_ON_FAILURE -> {
                    if (insn instanceof Insn.Atomic a && a.op() == AtomicOp.CMPXCHG) {
                        long before = r[0];
                        boolean w64 = a.size() == Size.DW;
                        pending = x -> {
                            boolean failed = w64 ? x[0] != before : (int) x[0] != (int) before;
                            if (failed) x[0] = before;
                        };
                    }
                }
                case MOD_BY_ZERO_IS_ZERO -> {
                    if (insn instanceof Insn.Alu a && (a.op() == AluOp.MOD || a.op() == AluOp.SMOD)) {
                        int d = a.dst().number();
                        long divisor = a.src() instanceof Imm(int v) ? v : r[((Reg) a.src()).number()];
                        boolean zero = a.width() == Width.W64 ? divisor == 0 : (int) divisor == 0;
                        if (zero) pending = x -> x[d] = 0;
                    }
                }
                default -> {
                }
            }
        }
    }
}
