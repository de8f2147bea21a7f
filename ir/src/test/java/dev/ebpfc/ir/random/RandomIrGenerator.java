package dev.ebpfc.ir.random;

import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.FunctionBuilder;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.MapDecl;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.TrapReason;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.UnaryOp;
import dev.ebpfc.ir.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/// Seeded generator of well-formed IR for property tests. Control flow is structured — straight
/// code, diamonds merging through block parameters, loops carrying values in header parameters,
/// nested to a bounded depth, with early returns, traps and tail calls — so that the values in
/// scope at each point are exactly those whose definitions dominate it. Instructions are drawn
/// from every kind, with operands of types their rules accept (the builder's type rules reject
/// the rest, and the generator draws again). [#randomCfg] instead makes arbitrary, possibly
/// irreducible, graphs for the dominator tests.
public final class RandomIrGenerator {
    private static final Type[] LOAD_TYPES = {Type.I64, Type.I64, Type.I32, Type.PTR_PACKET, Type.PTR_PACKET_END, Type.PTR, Type.PTR_MAP_VALUE};

    private final Random rnd;
    private Function function;
    private FunctionBuilder b;
    /// Values whose definitions dominate the cursor; regions truncate it back when they end.
    private final List<Value> scope = new ArrayList<>();
    private int budget;

    public RandomIrGenerator(long seed) {
        this.rnd = new Random(seed);
    }

    /// A module with two maps (one global) and one structured function, which may call itself.
    public Module module(String name) {
        Module m = new Module();
        m.addMap(new MapDecl("counters", false));
        m.addMap(new MapDecl(".data", true));
        m.addFunction(function(name));
        return m;
    }

    public Function function(String name) {
        function = new Function(name);
        b = new FunctionBuilder(function);
        scope.clear();
        budget = 5 + rnd.nextInt(60);
        Block entry = b.createBlock();
        b.switchTo(entry);
        scope.add(entry.addParam(Type.PTR_CTX));
        int extra = rnd.nextInt(4);
        for (int i = 0; i < extra; i++) scope.add(entry.addParam(pick(Type.I64, Type.I64, Type.PTR_STACK, Type.PTR)));
        region(0);
        b.ret(pickOfType(Type::is64));
        return function;
    }

    /// Appends a region at the cursor, leaving the cursor in a block that has no terminator yet.
    private void region(int depth) {
        int parts = 1 + rnd.nextInt(3);
        for (int i = 0; i < parts && budget > 0; i++) {
            int kind = depth >= 4 ? 0 : rnd.nextInt(10);
            if (kind < 5) straight();
            else if (kind < 8) diamond(depth);
            else if (kind < 9) loop(depth);
            else tailCall();
        }
    }

    private void straight() {
        int n = 1 + rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            budget--;
            instruction();
        }
    }

    private void diamond(int depth) {
        int mark = scope.size();
        List<Type> mergeTypes = paramTypes();
        Block thenB = b.createBlock(), elseB = b.createBlock(), merge = b.createBlock();
        branchTo(BlockCall.of(thenB), BlockCall.of(elseB));
        for (Block arm : List.of(thenB, elseB)) {
            b.switchTo(arm);
            if (rnd.nextInt(3) > 0) region(depth + 1);
            if (rnd.nextInt(8) == 0) {
                exit();
            } else {
                b.jump(merge, args(mergeTypes).toArray(Value[]::new));
            }
            truncateScope(mark);
        }
        b.switchTo(merge);
        for (Type t : mergeTypes) scope.add(merge.addParam(t));
    }

    private void loop(int depth) {
        int mark = scope.size();
        List<Type> types = paramTypes();
        if (types.isEmpty()) types = List.of(Type.I64);
        Block header = b.createBlock(), body = b.createBlock(), exit = b.createBlock();
        List<Value> init = args(types);
        b.jump(header, init.toArray(Value[]::new));
        b.switchTo(header);
        for (Type t : types) scope.add(header.addParam(t));
        int headerMark = scope.size();
        Value counter = scope.get(mark);
        Value bound = sameWidth(counter);
        b.branch(randomCond(), counter.type() == Type.I32 ? Width.W32 : randomWidth(), counter, bound, BlockCall.of(body), BlockCall.of(exit));
        b.switchTo(body);
        region(depth + 1);
        b.jump(header, args(types).toArray(Value[]::new));
        truncateScope(headerMark);
        b.switchTo(exit);
    }

    private void tailCall() {
        Block next = b.createBlock();
        Value map = b.mapRef(0);
        b.tailCall(scope.getFirst(), map, pickValue(v -> true), BlockCall.of(next));
        b.switchTo(next);
    }

    private void exit() {
        switch (rnd.nextInt(3)) {
            case 0 -> b.trap(pick(TrapReason.values()));
            default -> b.ret(pickOfType(Type::is64));
        }
    }

    private void branchTo(BlockCall t, BlockCall e) {
        Value a = pickValue(v -> true);
        Value c = pickValue(v -> (v.type() == Type.I32) == (a.type() == Type.I32));
        Width w = a.type() == Type.I32 ? Width.W32 : randomWidth();
        b.branch(randomCond(), w, a, c, t, e);
    }

    /// Parameter types for a merge or loop header: types of values in scope, sometimes widened.
    private List<Type> paramTypes() {
        int n = rnd.nextInt(4);
        List<Type> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Type t = pickValue(v -> true).type();
            if (t.isPointer() && rnd.nextInt(4) == 0) t = rnd.nextBoolean() ? Type.PTR : Type.I64;
            out.add(t);
        }
        return out;
    }

    /// One argument per type, each a value in scope assignable to it (a constant if none is).
    private List<Value> args(List<Type> types) {
        List<Value> out = new ArrayList<>();
        for (Type t : types) {
            List<Value> fits = matching(v -> v.type().isAssignableTo(t));
            if (!fits.isEmpty()) out.add(fits.get(rnd.nextInt(fits.size())));
            else if (t == Type.I32 || t == Type.I64) out.add(b.iconst(t, rnd.nextInt(100)));
            else throw new IllegalStateException("no value for " + t);
        }
        return out;
    }

    private void instruction() {
        for (int attempt = 0; attempt < 20; attempt++) {
            Instruction op = randomOp();
            if (op == null) continue;
            try {
                var inst = b.insert(op);
                if (inst.result() != null) scope.add(inst.result());
                return;
            } catch (IllegalArgumentException rejectedByTypeRules) {
                // draw again
            }
        }
        scope.add(b.i64(rnd.nextLong()));
    }

    private Instruction randomOp() {
        Value any = pickValue(v -> true);
        Value any64 = pickOfType(Type::is64);
        Value ptr = pickOfType(Type::isPointer);
        Value addr = rnd.nextInt(4) == 0 ? any64 : ptr;
        int off = rnd.nextInt(64) - 32;
        return switch (rnd.nextInt(22)) {
            case 0, 1 -> new Const(rnd.nextBoolean() ? Type.I32 : Type.I64, rnd.nextInt(5) == 0 ? rnd.nextLong() : rnd.nextInt(256) - 128);
            case 2, 3, 4 -> new Binary(pick(BinaryOp.values()), any, sameWidth(any));
            case 5 -> new Unary(pick(UnaryOp.values()), any);
            case 6 -> {
                int from = pickInt(8, 16, 32);
                Type to = from == 32 ? Type.I64 : pick(Type.I32, Type.I64);
                yield new Extend(rnd.nextBoolean(), from, to, any);
            }
            case 7 -> new Trunc(any64);
            case 8 -> new ByteSwap(any.type() == Type.I32 ? pickInt(16, 32) : pickInt(16, 32, 64), any);
            case 9 -> {
                Value other = sameWidth(any);
                yield new Cmp(randomCond(), any.type() == Type.I32 ? Width.W32 : randomWidth(), any, other);
            }
            case 10 -> new Select(any, any64, pickValue(v -> Type.join(v.type(), any64.type()) != null));
            case 11, 12 -> {
                Type t = pick(LOAD_TYPES);
                Size size = t.isPointer() ? pick(Size.W, Size.DW) : t == Type.I32 ? pick(Size.B, Size.H, Size.W) : pick(Size.values());
                boolean signed = !t.isPointer() && size != Size.DW && rnd.nextInt(3) == 0;
                yield new Load(t, size, signed, addr, off);
            }
            case 13 -> {
                Size size = pick(Size.values());
                yield new Store(size, addr, off, size == Size.DW ? any64 : any);
            }
            case 14 -> {
                AtomicOp op = pick(AtomicOp.ADD, AtomicOp.OR, AtomicOp.AND, AtomicOp.XOR, AtomicOp.XCHG);
                Size size = pick(Size.W, Size.DW);
                yield new AtomicRmw(op, size, op.requiresFetch() || rnd.nextBoolean(), addr, off, size == Size.DW ? any64 : any);
            }
            case 15 -> new CmpXchg(Size.DW, addr, off, any64, pickOfType(Type::is64));
            case 16 -> new PacketLoad(pick(Size.B, Size.H, Size.W), any);
            case 17 -> rnd.nextBoolean() ? new MapRef(0) : new MapValueAddr(1, off & 63, true);
            case 18 -> rnd.nextBoolean() ? new FramePointer() : new MapValueAddr(0, off & 63, false);
            case 19 -> new CallHelper(1 + rnd.nextInt(200), argsOf64(rnd.nextInt(6)));
            case 20 -> switch (rnd.nextInt(3)) {
                case 0 -> new CallKfunc(rnd.nextInt(100_000), argsOf64(rnd.nextInt(4)));
                case 1 -> new CallIndirect(any64, argsOf64(rnd.nextInt(3)));
                default -> new FuncAddr(function.name());
            };
            default -> new CallLocal(function.name(), selfCallArgs());
        };
    }

    private List<Value> selfCallArgs() {
        List<Value> out = new ArrayList<>();
        for (Value p : function.params()) {
            List<Value> fits = matching(v -> v.type().isAssignableTo(p.type()));
            out.add(fits.get(rnd.nextInt(fits.size())));
        }
        return out;
    }

    private List<Value> argsOf64(int n) {
        List<Value> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(pickOfType(Type::is64));
        return out;
    }

    private Value sameWidth(Value a) {
        return pickValue(v -> (v.type() == Type.I32) == (a.type() == Type.I32));
    }

    private Value pickOfType(TypePredicate p) {
        return pickValue(v -> p.test(v.type()));
    }

    private Value pickValue(Predicate<Value> p) {
        List<Value> fits = matching(p);
        if (fits.isEmpty()) {
            Value c = b.i64(rnd.nextInt(100));
            scope.add(c);
            return c;
        }
        return fits.get(rnd.nextInt(fits.size()));
    }

    private interface TypePredicate {
        boolean test(Type t);
    }

    private List<Value> matching(Predicate<Value> p) {
        List<Value> out = new ArrayList<>();
        for (Value v : scope) {
            if (p.test(v)) out.add(v);
        }
        return out;
    }

    private void truncateScope(int size) {
        while (scope.size() > size) scope.removeLast();
    }

    private Cond randomCond() {
        return pick(Cond.values());
    }

    private Width randomWidth() {
        return rnd.nextBoolean() ? Width.W32 : Width.W64;
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[rnd.nextInt(options.length)];
    }

    private int pickInt(int... options) {
        return options[rnd.nextInt(options.length)];
    }

    /// An arbitrary control-flow graph of `2..maxBlocks` blocks: each block jumps, branches to
    /// two random non-entry blocks, or returns. Irreducible cycles and unreachable blocks occur.
    public Function randomCfg(String name, int maxBlocks) {
        Function f = new Function(name);
        FunctionBuilder fb = new FunctionBuilder(f);
        int n = 2 + rnd.nextInt(maxBlocks - 1);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < n; i++) blocks.add(fb.createBlock());
        Value v0 = blocks.getFirst().addParam(Type.I64);
        for (Block blk : blocks) {
            fb.switchTo(blk);
            int k = rnd.nextInt(10);
            if (k < 2) {
                fb.ret(v0);
            } else if (k < 5) {
                fb.jump(blocks.get(1 + rnd.nextInt(n - 1)));
            } else {
                fb.branch(randomCond(), Width.W64, v0, v0, blocks.get(1 + rnd.nextInt(n - 1)), blocks.get(1 + rnd.nextInt(n - 1)));
            }
        }
        return f;
    }
}
