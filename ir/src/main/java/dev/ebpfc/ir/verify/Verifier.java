package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.lift.LiftException;
import dev.ebpfc.ir.lift.Lifter;
import dev.ebpfc.ir.verify.AbsValue.Ptr;
import dev.ebpfc.ir.verify.AbsValue.Region;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/// The safety verifier: abstract interpretation of a lifted module from its entry function
/// (callees analysed at each call, in context), rejecting programs that might access memory out
/// of bounds or uninitialised, leak pointers, break helper prototypes, recurse too deep or loop
/// forever. See docs/verifier.md for the domain and every message.
///
/// The entry function's r1 is the context (`ptr.ctx`) for XDP and socket/TC programs and `mem`
/// for raw programs, whose r2 is then `mem`'s length.
public final class Verifier {
    /// Messages reported at most (a broken program tends to repeat one mistake).
    private static final int MAX_MESSAGES = 50;

    private Verifier() {
    }

    /// Verifies `module` (lifted from `options.source()`, when given).
    public static VerifierResult verify(Module module, VerifierOptions options) {
        long start = System.nanoTime();
        ModuleAnalysis m = new ModuleAnalysis(module, options);
        Function entry = module.entry();
        List<Value> params = entry.params();
        StackFrame[] frames = {new StackFrame()};
        State s = new State(entry.valueIdBound(), frames);
        if (!params.isEmpty()) {
            s.set(params.get(0), options.context() == ContextKind.RAW ? Ptr.to(Region.MEM, 0, 0) : Ptr.to(Region.CTX, 0, 0));
        }
        if (params.size() > 1) {
            // The length of mem (raw programs); other kinds leave r2 an unknown integer.
            s.set(params.get(1), options.context() == ContextKind.RAW ? Scalar.signed(0, Long.MAX_VALUE) : Scalar.UNKNOWN);
            if (options.context() == ContextKind.RAW) m.memLength = params.get(1);
        }
        for (int i = 2; i < params.size(); i++) s.set(params.get(i), Scalar.UNKNOWN);
        ModuleAnalysis.Summary sum = m.analyse(entry, s);
        VerifierFacts facts = new VerifierFacts();
        LinkedHashSet<Diagnostic> out = new LinkedHashSet<>();
        sum.recorder().replay(facts, out);
        List<Diagnostic> messages = new ArrayList<>(out);
        if (messages.size() > MAX_MESSAGES) messages = messages.subList(0, MAX_MESSAGES);
        return new VerifierResult(messages, facts, m.instructions, m.blockVisits, System.nanoTime() - start);
    }

    /// Lifts `program` and verifies it; a program the lifter refuses (a register read before it
    /// is set, an instruction it does not model) is rejected with the lifter's message.
    public static VerifierResult verify(ProgramDef program, List<MapDef> maps, ContextKind context, HelperProfile helpers, Mode mode) {
        VerifierOptions options = new VerifierOptions(mode, context, maps, helpers, program);
        Module module;
        try {
            module = Lifter.lift(program, maps, context, helpers);
        } catch (LiftException e) {
            String text = e.getMessage();
            String prefix = "slot " + e.slot + ": ";
            if (text.startsWith(prefix)) text = text.substring(prefix.length());
            Diagnostic d = new Diagnostic(program.name(), e.slot, e.slot >= 0 ? program.lineAt(e.slot) : null, text);
            return new VerifierResult(List.of(d), new VerifierFacts(), 0, 0, 0);
        }
        return verify(module, options);
    }
}
