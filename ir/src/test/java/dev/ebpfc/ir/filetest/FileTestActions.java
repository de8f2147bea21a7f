package dev.ebpfc.ir.filetest;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.analysis.Cfg;
import dev.ebpfc.ir.analysis.DominatorTree;
import dev.ebpfc.ir.analysis.Liveness;
import dev.ebpfc.ir.analysis.Loops;
import dev.ebpfc.ir.check.CheckError;
import dev.ebpfc.ir.check.IrChecker;
import dev.ebpfc.ir.opt.Pass;
import dev.ebpfc.ir.opt.PassContext;
import dev.ebpfc.ir.opt.Pipeline;
import dev.ebpfc.ir.text.IrPrinter;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;
import dev.ebpfc.ir.text.ParsedModule;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/// What each `; test:` action of an IR file test produces: output lines for `; check:` and
/// errors by source line for `; error:`.
final class FileTestActions {
    private FileTestActions() {}

    /// An error the action reports at a 1-based source line.
    record LineError(int line, String message) {}

    record Result(List<String> output, List<LineError> errors) {}

    static Result run(String action, ParsedModule parsed) {
        Module m = parsed.module();
        return switch (action) {
            case "print" -> new Result(lines(IrPrinter.print(m)), List.of());
            case "check" -> check(parsed);
            case "cfg" -> new Result(perFunction(m, FileTestActions::cfg), List.of());
            case "domtree" -> new Result(perFunction(m, FileTestActions::domtree), List.of());
            case "loops" -> new Result(perFunction(m, FileTestActions::loops), List.of());
            case "liveness" -> new Result(perFunction(m, FileTestActions::liveness), List.of());
            case "O1", "O2" -> optimise(m, Pipeline.passes(action.charAt(1) - '0'));
            case String s when s.startsWith("pass ") -> optimise(m, passesNamed(s.substring(5)));
            default -> throw new IllegalArgumentException("unknown test action '" + action + "'");
        };
    }

    static boolean isKnown(String action) {
        if (action.startsWith("pass ")) return !passesNamed(action.substring(5)).isEmpty();
        return List.of("print", "check", "cfg", "domtree", "loops", "liveness", "parse-error", "O1", "O2").contains(action);
    }

    /// `pass a, b`: the optimiser's passes named, in that order (unknown names make the list empty).
    private static List<Pass> passesNamed(String names) {
        List<Pass> out = new ArrayList<>();
        for (String n : names.split(",")) {
            Pass p = Pipeline.passes(2).stream().filter(x -> x.name().equals(n.strip())).findFirst().orElse(null);
            if (p == null) return List.of();
            out.add(p);
        }
        return out;
    }

    /// Runs `passes`, checking the IR after each, and prints the result.
    private static Result optimise(Module m, List<Pass> passes) {
        // Linux helper numbering, so helper inlining knows bpf_map_lookup_elem; the entry's r1 is
        // an XDP context, for the passes that run the verifier.
        PassContext context = new PassContext(2, true, HelperProfile.LINUX, ContextKind.XDP, null);
        for (Pass p : passes) {
            p.run(m, context);
            List<CheckError> errors = IrChecker.check(m);
            if (!errors.isEmpty()) throw new AssertionError("IR malformed after " + p.name() + ":\n" + IrChecker.format(errors) + IrPrinter.print(m));
        }
        return new Result(lines(IrPrinter.print(m)), List.of());
    }

    private static Result check(ParsedModule parsed) {
        List<LineError> errors = new ArrayList<>();
        for (CheckError e : IrChecker.check(parsed.module())) {
            Object where = e.inst() != null ? e.inst() : e.block() != null ? e.block() : e.function();
            errors.add(new LineError(parsed.lineOf(where), e.why()));
        }
        List<String> out = new ArrayList<>();
        for (Function f : parsed.module().functions()) {
            for (Block b : IrChecker.unreachableBlocks(f)) out.add("unreachable: @" + f.name() + " " + b);
        }
        return new Result(out, errors);
    }

    private interface PerFunction {
        void describe(Function f, List<String> out);
    }

    private static List<String> perFunction(Module m, PerFunction what) {
        List<String> out = new ArrayList<>();
        for (Function f : m.functions()) {
            out.add("@" + f.name() + ":");
            what.describe(f, out);
        }
        return out;
    }

    private static void cfg(Function f, List<String> out) {
        Cfg cfg = Cfg.of(f);
        out.add("rpo " + set(cfg.reversePostorder()));
        for (Block b : f.blocks()) {
            out.add(b + ": preds " + set(cfg.predecessors(b)) + " succs " + set(cfg.successors(b)) + (cfg.isReachable(b) ? "" : " unreachable"));
        }
    }

    private static void domtree(Function f, List<String> out) {
        DominatorTree dom = DominatorTree.of(f);
        for (Block b : f.blocks()) {
            if (!dom.cfg().isReachable(b)) {
                out.add(b + ": unreachable");
                continue;
            }
            Block idom = dom.idom(b);
            out.add(b + ": idom " + (idom == null ? "-" : idom.toString()) + " frontier " + set(dom.frontier(b)));
        }
    }

    private static void loops(Function f, List<String> out) {
        DominatorTree dom = DominatorTree.of(f);
        Loops loops = Loops.of(dom);
        for (Loops.Loop l : loops.loops()) {
            out.add("loop " + l.header() + ": depth " + l.depth() + " parent " + (l.parent() == null ? "-" : l.parent().header().toString())
                    + " latches " + set(l.latches()) + " blocks " + set(l.blocks()));
        }
        for (Block[] e : loops.irreducibleEdges()) out.add("irreducible edge " + e[0] + " -> " + e[1]);
    }

    private static void liveness(Function f, List<String> out) {
        Liveness live = Liveness.of(f);
        for (Block b : f.blocks()) out.add(b + ": in " + set(live.liveIn(b)) + " out " + set(live.liveOut(b)));
    }

    private static String set(List<?> items) {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        for (Object o : items) j.add(o instanceof Value v ? v.toString() : o.toString());
        return j.toString();
    }

    static List<String> lines(String text) {
        List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
        while (!out.isEmpty() && out.getLast().isEmpty()) out.removeLast();
        return out;
    }
}
