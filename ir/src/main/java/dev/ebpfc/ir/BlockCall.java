package dev.ebpfc.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/// A control-flow edge with the arguments it passes to the target's block parameters
/// (`block3(v1, v2)`): the IR's replacement for phi nodes.
public record BlockCall(Block target, List<Value> args) {
    public BlockCall {
        Objects.requireNonNull(target);
        args = List.copyOf(args);
    }

    public static BlockCall of(Block target, Value... args) {
        return new BlockCall(target, List.of(args));
    }

    public BlockCall mapArgs(UnaryOperator<Value> f) {
        List<Value> mapped = new ArrayList<>(args.size());
        boolean changed = false;
        for (Value v : args) {
            Value m = Objects.requireNonNull(f.apply(v));
            changed |= m != v;
            mapped.add(m);
        }
        return changed ? new BlockCall(target, mapped) : this;
    }

    public BlockCall withTarget(Block newTarget) {
        return new BlockCall(newTarget, args);
    }

    public BlockCall withoutArg(int index) {
        List<Value> rest = new ArrayList<>(args);
        rest.remove(index);
        return new BlockCall(target, rest);
    }

    public BlockCall withArg(Value arg) {
        List<Value> more = new ArrayList<>(args);
        more.add(arg);
        return new BlockCall(target, more);
    }

    @Override
    public String toString() {
        if (args.isEmpty()) return target.toString();
        StringBuilder sb = new StringBuilder(target.toString()).append('(');
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(args.get(i));
        }
        return sb.append(')').toString();
    }
}
