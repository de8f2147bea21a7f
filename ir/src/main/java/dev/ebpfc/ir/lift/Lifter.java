package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.MapDecl;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.check.CheckError;
import dev.ebpfc.ir.check.IrChecker;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/// Lifts a linked BPF program (`ProgramDef`: the entry function and its subprograms) to an IR
/// [Module]: one IR function per BPF function, the module's maps declared in the object's order
/// (so `map_ref mapN` is `lddw map_idx N`).
///
/// The steps, per function: the slot CFG ([SlotCfg]); the registers each function reads before
/// writing, to a fixpoint over the call graph, which become its parameters r1..rk
/// ([RegisterFlow#liveIn]); the must-init check that rejects reads of registers not set on every
/// path ([RegisterFlow#mustInit]); translation with on-the-fly SSA construction
/// ([FunctionLifter], [SsaBuilder]); then for the entry function the context-field rewriting
/// ([ContextFields]) and for all pointer provenance ([TypeInference]). The result passes
/// [IrChecker]; with assertions enabled every lift is checked, and a failure (a lifter bug)
/// throws [IllegalStateException].
///
/// `context` says what r1 of the entry points to (the runtime's [ContextKind]); `helpers` is the
/// helper numbering, which says how many arguments each helper call passes.
public final class Lifter {
    /// Whether every lift is checked: with assertions enabled (tests), as a second line behind
    /// the tests that check every lifted program; `-Debpfc.lift.check=false` turns it off (to
    /// time the lifter alone).
    private static final boolean ASSERTIONS = Lifter.class.desiredAssertionStatus();

    private Lifter() {
    }

    /// What every function's lifting shares.
    record Context(ProgramDef def, List<MapDef> maps, ContextKind context, HelperProfile profile, BpfFunctions functions,
                   Map<Integer, Integer> liveInBySlot, Set<Integer> withCallx) {
        int liveIn(int slot) {
            return liveInBySlot.getOrDefault(slot, 0);
        }

        /// Parameters of the function at `slot`: r1 up to the highest argument register it reads;
        /// the program entry has at most r1 and r2 (the context and, by the conformance
        /// convention, its length). A function with a `callx` takes all it can (entry: r1, r2;
        /// others: r1–r5), because a helper reached through `callx` reads arguments no analysis
        /// can name: its callers' values must still be there for it, as in the interpreter.
        int paramCount(int slot) {
            int live = liveIn(slot) & RegisterFlow.ARGS;
            int n = live == 0 ? 0 : 31 - Integer.numberOfLeadingZeros(live);
            if (withCallx.contains(slot)) n = 5;
            return slot == 0 ? Math.min(n, 2) : n;
        }
    }

    /// Lifts `program`, whose `lddw map_idx N` name `maps.get(N)`.
    /// @throws LiftException when the program is invalid or uses what ebpfc does not model
    public static Module lift(ProgramDef program, List<MapDef> maps, ContextKind context, HelperProfile helpers) {
        BpfFunctions functions = BpfFunctions.of(program);
        Map<Integer, SlotCfg> cfgs = new HashMap<>();
        for (BpfFunctions.Span s : functions.spans()) cfgs.put(s.start(), SlotCfg.build(program.program(), s.start(), s.end()));

        Map<Integer, Integer> liveIn = new HashMap<>();
        Set<Integer> withCallx = new HashSet<>();
        for (BpfFunctions.Span s : functions.spans()) {
            for (SlotCfg.SlotBlock b : cfgs.get(s.start()).blocks) {
                for (int i = b.first; i <= b.last; i++) if (program.program().get(i) instanceof Insn.CallIndirect) withCallx.add(s.start());
            }
        }
        Context cx = new Context(program, maps, context, helpers, functions, liveIn, withCallx);
        RegisterFlow flow = new RegisterFlow(program.program(), helpers, cx::liveIn);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (BpfFunctions.Span s : functions.spans()) {
                int live = flow.liveIn(cfgs.get(s.start()));
                if (live != cx.liveIn(s.start())) {
                    liveIn.put(s.start(), live);
                    changed = true;
                }
            }
        }

        Module m = new Module();
        for (MapDef d : maps) m.addMap(new MapDecl(d.name(), d.globalData(), d.type(), d.keySize(), d.valueSize(), d.maxEntries()));
        for (BpfFunctions.Span s : functions.spans()) {
            SlotCfg cfg = cfgs.get(s.start());
            int params = cx.paramCount(s.start());
            int[] init = flow.mustInit(cfg, RegisterFlow.firstArgs(params) | RegisterFlow.R10);
            Type first = s.start() == 0 ? (context.hasPacket() ? Type.PTR_CTX : Type.PTR) : null;
            Function f = new FunctionLifter(cx, s.name(), cfg, init, params, first).lift();
            if (s.start() == 0) ContextFields.rewrite(f, context);
            TypeInference.run(f);
            m.addFunction(f);
        }
        if (ASSERTIONS && !"false".equals(System.getProperty("ebpfc.lift.check"))) {
            List<CheckError> errors = IrChecker.check(m);
            if (!errors.isEmpty()) throw new IllegalStateException("lifted IR is not well formed:\n" + IrChecker.format(errors) + m);
        }
        return m;
    }

    /// Lifts with the context kind the program's ELF section names.
    public static Module lift(ProgramDef program, List<MapDef> maps, HelperProfile helpers) {
        return lift(program, maps, ContextKind.ofSection(program.section()), helpers);
    }
}
