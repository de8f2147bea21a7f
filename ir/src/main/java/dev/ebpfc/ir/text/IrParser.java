package dev.ebpfc.ir.text;

import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.MapDecl;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.TrapReason;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.UnaryOp;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.text.IrLexer.Kind;
import dev.ebpfc.ir.text.IrLexer.Token;
import org.eclipse.collections.impl.map.mutable.primitive.IntIntHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// Reads the text format [IrPrinter] writes. Syntax only: the IR it builds may be ill-typed or
/// ill-formed (that is the checker's to report), but every name it refers to resolves. Values
/// may be used before the line that defines them (loops, blocks laid out before their
/// dominators); blocks are known from their headers before the body is read. Errors are
/// `file:line: why`.
public final class IrParser {
    private static final Pattern VALUE = Pattern.compile("v(0|[1-9][0-9]*)");
    private static final Pattern BLOCK = Pattern.compile("block(0|[1-9][0-9]*)");
    private static final Pattern MAP = Pattern.compile("map(0|[1-9][0-9]*)");
    private static final Pattern EXTEND = Pattern.compile("([zs])ext(8|16|32)");
    private static final Pattern BSWAP = Pattern.compile("bswap(16|32|64)");
    private static final Pattern SIZE = Pattern.compile("([us])(8|16|32|64)");

    private final String file;
    private final String[] lines;
    private final Module module = new Module();
    private final Map<Object, Integer> sourceLines = new IdentityHashMap<>();
    private int line;

    private IrParser(String text, String file) {
        this.file = file;
        this.lines = text.split("\n", -1);
    }

    /// Parses a module; `file` names the source in error messages.
    public static ParsedModule parse(String text, String file) throws ParseException {
        return new IrParser(text, file).module();
    }

    public static Module parseModule(String text) throws ParseException {
        return parse(text, "<input>").module();
    }

    /// Parses text holding exactly one function.
    public static Function parseFunction(String text) throws ParseException {
        Module m = parseModule(text);
        if (m.functions().size() != 1) throw new ParseException("<input>", 1, "expected one function, found " + m.functions().size());
        return m.functions().getFirst();
    }

    private ParsedModule module() throws ParseException {
        String entryName = null;
        int entryLine = 0;
        for (int i = 0; i < lines.length; i++) {
            line = i + 1;
            Cursor c = cursor(i);
            if (c.atEnd()) continue;
            Token first = c.peek();
            if (first.kind() == Kind.WORD && first.text().equals("function")) {
                i = function(i, c);
            } else if (first.kind() == Kind.WORD && first.text().equals("entry")) {
                c.next();
                entryName = c.global();
                entryLine = line;
                c.end();
            } else if (first.kind() == Kind.WORD && MAP.matcher(first.text()).matches()) {
                mapDecl(c);
            } else {
                throw error("expected 'function', 'entry' or a map declaration, found '" + first + "'");
            }
        }
        if (entryName != null) {
            Function entry = module.function(entryName);
            line = entryLine;
            if (entry == null) throw error("entry function @" + entryName + " is not defined");
            module.setEntry(entry);
        }
        return new ParsedModule(file, module, sourceLines);
    }

    private void mapDecl(Cursor c) throws ParseException {
        int index = c.number(MAP, "map");
        if (index != module.maps().size()) throw error("expected map" + module.maps().size() + ", maps are declared in order");
        c.expect("=");
        String kind = c.word();
        if (!kind.equals("map") && !kind.equals("global")) throw error("expected 'map' or 'global', found '" + kind + "'");
        Token name = c.next();
        if (name.kind() != Kind.STRING) throw error("expected the map's name in quotes, found '" + name + "'");
        if (c.atEnd()) {
            module.addMap(new MapDecl(name.text(), kind.equals("global")));
            return;
        }
        // The optional shape: `array key 4 value 16 entries 8`.
        String typeName = c.word();
        MapType type = null;
        for (MapType t : MapType.values()) {
            if (t.name().toLowerCase(java.util.Locale.ROOT).equals(typeName)) type = t;
        }
        if (type == null) throw error("unknown map type '" + typeName + "'");
        int[] sizes = new int[3];
        String[] fields = {"key", "value", "entries"};
        for (int k = 0; k < 3; k++) {
            String w = c.word();
            if (!w.equals(fields[k])) throw error("expected '" + fields[k] + "', found '" + w + "'");
            long n = c.integer();
            if (n < 0 || n > Integer.MAX_VALUE) throw error(fields[k] + " size " + n + " out of range");
            sizes[k] = (int) n;
        }
        c.end();
        module.addMap(new MapDecl(name.text(), kind.equals("global"), type, sizes[0], sizes[1], sizes[2]));
    }

    /// Parses the function whose header is line `header`; returns the index of its closing line.
    private int function(int header, Cursor c) throws ParseException {
        c.next();
        String name = c.global();
        List<int[]> headerParams = new ArrayList<>();
        List<Type> headerTypes = new ArrayList<>();
        c.expect("(");
        if (!c.accept(")")) {
            do {
                headerParams.add(new int[] {c.number(VALUE, "value")});
                c.expect(":");
                headerTypes.add(c.type(c.word()));
            } while (c.accept(","));
            c.expect(")");
        }
        c.expect("{");
        c.end();
        int close = header + 1;
        while (close < lines.length && !IrLexer.stripComment(lines[close]).strip().equals("}")) close++;
        if (close == lines.length) throw error("function @" + name + " has no closing '}'");
        if (module.function(name) != null) throw error("function @" + name + " is defined twice");
        Function f = new Function(name);
        module.addFunction(f);
        sourceLines.put(f, header + 1);
        new FunctionParser(f).parse(header + 1, close, headerParams, headerTypes);
        return close;
    }

    /// Parses one function body; holds the value table, where forward references wait.
    private final class FunctionParser {
        private final Function f;
        private final IntObjectHashMap<Block> blocks = new IntObjectHashMap<>();
        private final IntObjectHashMap<Value> values = new IntObjectHashMap<>();
        /// Values used before their definition, with the line of the first use.
        private final IntIntHashMap pending = new IntIntHashMap();

        FunctionParser(Function f) {
            this.f = f;
        }

        void parse(int from, int to, List<int[]> headerParams, List<Type> headerTypes) throws ParseException {
            for (int i = from; i < to; i++) {
                line = i + 1;
                Cursor c = cursor(i);
                Integer id = c.atEnd() ? null : blockHeaderId(c);
                if (id != null) {
                    if (blocks.containsKey(id)) throw error("block" + id + " is defined twice");
                    blocks.put(id, f.createBlock(id));
                }
            }
            if (blocks.isEmpty()) {
                line = from;
                throw error("function @" + f.name() + " has no blocks");
            }
            Block current = null;
            for (int i = from; i < to; i++) {
                line = i + 1;
                Cursor c = cursor(i);
                if (c.atEnd()) continue;
                Integer id = blockHeaderId(c);
                if (id != null) {
                    current = blocks.get(id);
                    blockHeader(c, current);
                    sourceLines.put(current, line);
                    if (current == f.entry()) entryParams(current, headerParams, headerTypes);
                } else {
                    if (current == null) throw error("instruction before the first block");
                    Inst inst = instruction(c);
                    current.append(inst);
                    sourceLines.put(inst, line);
                }
            }
            if (!pending.isEmpty()) {
                int id = pending.keysView().min();
                line = pending.get(id);
                throw error("v" + id + " is used but never defined in @" + f.name());
            }
        }

        private Integer blockHeaderId(Cursor c) {
            Token t = c.peek();
            if (t.kind() != Kind.WORD) return null;
            Matcher m = BLOCK.matcher(t.text());
            return m.matches() ? Integer.parseInt(m.group(1)) : null;
        }

        private void blockHeader(Cursor c, Block b) throws ParseException {
            c.next();
            if (c.accept("(")) {
                do {
                    int id = c.number(VALUE, "value");
                    c.expect(":");
                    Type t = c.type(c.word());
                    f.addParam(b, define(id, t));
                } while (c.accept(","));
                c.expect(")");
            }
            c.expect(":");
            c.end();
        }

        private void entryParams(Block entry, List<int[]> ids, List<Type> types) throws ParseException {
            List<Value> ps = entry.params();
            boolean same = ps.size() == ids.size();
            for (int i = 0; same && i < ps.size(); i++) same = ps.get(i).id() == ids.get(i)[0] && ps.get(i).type() == types.get(i);
            if (!same) throw error("parameters of entry " + entry + " differ from those of @" + f.name());
        }

        private Value define(int id, Type type) throws ParseException {
            Value v = values.get(id);
            if (v != null) {
                if (!pending.containsKey(id)) throw error("v" + id + " is defined twice");
                pending.remove(id);
                v.setType(type);
                return v;
            }
            v = f.newValue(id, type);
            values.put(id, v);
            return v;
        }

        private Value use(int id) {
            Value v = values.get(id);
            if (v == null) {
                v = f.newValue(id, Type.I64);
                values.put(id, v);
                pending.put(id, line);
            }
            return v;
        }

        private Value value(Cursor c) throws ParseException {
            return use(c.number(VALUE, "value"));
        }

        private Block block(Cursor c) throws ParseException {
            int id = c.number(BLOCK, "block");
            Block b = blocks.get(id);
            if (b == null) throw error("block" + id + " is not defined in @" + f.name());
            return b;
        }

        private BlockCall blockCall(Cursor c) throws ParseException {
            Block target = block(c);
            return new BlockCall(target, c.accept("(") ? valueList(c) : List.of());
        }

        /// Values up to and including the closing `)`.
        private List<Value> valueList(Cursor c) throws ParseException {
            List<Value> vs = new ArrayList<>();
            if (c.accept(")")) return vs;
            do {
                vs.add(value(c));
            } while (c.accept(","));
            c.expect(")");
            return vs;
        }

        private List<Value> args(Cursor c) throws ParseException {
            c.expect("(");
            return valueList(c);
        }

        private Inst instruction(Cursor c) throws ParseException {
            Integer resultId = null;
            if (c.size() >= 2 && c.peek().kind() == Kind.WORD && VALUE.matcher(c.peek().text()).matches() && c.peekAt(1).is("=")) {
                resultId = c.number(VALUE, "value");
                c.expect("=");
            }
            String mnemonic = c.word();
            int dot = mnemonic.indexOf('.');
            String base = dot < 0 ? mnemonic : mnemonic.substring(0, dot);
            String suffix = dot < 0 ? null : mnemonic.substring(dot + 1);
            Type[] type = new Type[1];
            Instruction op;
            try {
                op = operation(c, base, suffix, type);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
            c.end();
            if (op.hasResult() && resultId == null) throw error("'" + mnemonic + "' defines a value; write 'vN = " + mnemonic + " ...'");
            if (!op.hasResult() && resultId != null) throw error("'" + mnemonic + "' defines no value");
            return f.newInst(op, resultId == null ? null : define(resultId, type[0]));
        }

        /// The instruction spelled `base.suffix operands`; stores its result type in `type[0]`.
        private Instruction operation(Cursor c, String base, String suffix, Type[] type) throws ParseException {
            BinaryOp binary = BinaryOp.parse(base);
            if (binary != null) {
                type[0] = c.type(suffix);
                Value a = value(c);
                c.expect(",");
                return new Binary(binary, a, value(c));
            }
            UnaryOp unary = UnaryOp.parse(base);
            if (unary != null) {
                type[0] = c.type(suffix);
                return new Unary(unary, value(c));
            }
            Matcher m;
            if ((m = EXTEND.matcher(base)).matches()) {
                type[0] = c.type(suffix);
                return new Extend(m.group(1).equals("s"), Integer.parseInt(m.group(2)), type[0], value(c));
            }
            if ((m = BSWAP.matcher(base)).matches()) {
                type[0] = c.type(suffix);
                return new ByteSwap(Integer.parseInt(m.group(1)), value(c));
            }
            String[] parts = suffix == null ? new String[0] : suffix.split("\\.", -1);
            switch (base) {
                case "const" -> {
                    type[0] = c.type(suffix);
                    long v = c.integer();
                    if (type[0] == Type.I32 && (v < Integer.MIN_VALUE || v > 0xffff_ffffL)) throw error(v + " does not fit in i32");
                    return new Const(type[0], v);
                }
                case "trunc" -> {
                    type[0] = c.type(suffix);
                    return new Trunc(value(c));
                }
                case "cmp" -> {
                    if (parts.length != 2) throw error("expected cmp.<cond>.<i32|i64>");
                    type[0] = Type.I64;
                    Cond cond = cond(parts[0]);
                    Width w = width(parts[1]);
                    Value a = value(c);
                    c.expect(",");
                    return new Cmp(cond, w, a, value(c));
                }
                case "select" -> {
                    type[0] = c.type(suffix);
                    Value cond = value(c);
                    c.expect(",");
                    Value t = value(c);
                    c.expect(",");
                    return new Select(cond, t, value(c));
                }
                case "load" -> {
                    if (parts.length < 1) throw error("expected load.<u|s><bits>[.<type>]");
                    Matcher s = sizeOf(parts[0]);
                    type[0] = parts.length == 1 ? Type.I64 : c.type(suffix.substring(parts[0].length() + 1));
                    Value addr = value(c);
                    return new Load(type[0], Size.ofBytes(Integer.parseInt(s.group(2)) / 8), s.group(1).equals("s"), addr, c.offset());
                }
                case "store" -> {
                    Size size = unsignedSize(suffix);
                    Value addr = value(c);
                    int off = c.offset();
                    c.expect(",");
                    return new Store(size, addr, off, value(c));
                }
                case "atomic" -> {
                    boolean fetch = parts.length == 3 && parts[0].equals("fetch");
                    if (parts.length != (fetch ? 3 : 2)) throw error("expected atomic.[fetch.]<op>.<u32|u64>");
                    AtomicOp aop = atomicOp(parts[fetch ? 1 : 0]);
                    Size size = unsignedSize(parts[fetch ? 2 : 1]);
                    type[0] = Type.I64;
                    Value addr = value(c);
                    int off = c.offset();
                    c.expect(",");
                    return new AtomicRmw(aop, size, fetch, addr, off, value(c));
                }
                case "cmpxchg" -> {
                    Size size = unsignedSize(suffix);
                    type[0] = Type.I64;
                    Value addr = value(c);
                    int off = c.offset();
                    c.expect(",");
                    Value expected = value(c);
                    c.expect(",");
                    return new CmpXchg(size, addr, off, expected, value(c));
                }
                case "packet_load" -> {
                    type[0] = Type.I64;
                    return new PacketLoad(unsignedSize(suffix), value(c));
                }
                case "br" -> {
                    if (parts.length != 2) throw error("expected br.<cond>.<i32|i64>");
                    Cond cond = cond(parts[0]);
                    Width w = width(parts[1]);
                    Value a = value(c);
                    c.expect(",");
                    Value b = value(c);
                    c.expect(",");
                    BlockCall t = blockCall(c);
                    c.expect(",");
                    return new Branch(cond, w, a, b, t, blockCall(c));
                }
                default -> {
                    if (suffix != null) throw error("unknown instruction '" + base + "." + suffix + "'");
                    return plain(c, base, type);
                }
            }
        }

        /// Instructions whose mnemonic has no suffix.
        private Instruction plain(Cursor c, String base, Type[] type) throws ParseException {
            type[0] = Type.I64;
            switch (base) {
                case "map_ref" -> {
                    type[0] = Type.PTR_MAP;
                    return new MapRef(c.number(MAP, "map"));
                }
                case "map_value", "global_value" -> {
                    boolean global = base.equals("global_value");
                    type[0] = global ? Type.PTR_GLOBAL : Type.PTR_MAP_VALUE;
                    int index = c.number(MAP, "map");
                    return new MapValueAddr(index, c.offset(), global);
                }
                case "frame_pointer" -> {
                    type[0] = Type.PTR_STACK;
                    return new FramePointer();
                }
                case "func_addr" -> {
                    return new FuncAddr(c.global());
                }
                case "call_helper" -> {
                    int id = (int) c.integer();
                    return new CallHelper(id, args(c));
                }
                case "call" -> {
                    String callee = c.global();
                    return new CallLocal(callee, args(c));
                }
                case "call_kfunc" -> {
                    int id = (int) c.integer();
                    return new CallKfunc(id, args(c));
                }
                case "call_indirect" -> {
                    Value target = value(c);
                    return new CallIndirect(target, args(c));
                }
                case "jump" -> {
                    return new Jump(blockCall(c));
                }
                case "ret" -> {
                    return new Return(value(c));
                }
                case "tail_call" -> {
                    Value ctx = value(c);
                    c.expect(",");
                    Value map = value(c);
                    c.expect(",");
                    Value index = value(c);
                    c.expect(",");
                    return new TailCall(ctx, map, index, blockCall(c));
                }
                case "trap" -> {
                    String r = c.word();
                    TrapReason reason = TrapReason.parse(r);
                    if (reason == null) throw error("unknown trap reason '" + r + "'");
                    return new Trap(reason);
                }
                default -> throw error("unknown instruction '" + base + "'");
            }
        }
    }

    private Cond cond(String text) throws ParseException {
        for (Cond c : Cond.values()) {
            if (c.mnemonic.equals(text)) return c;
        }
        throw error("unknown condition '" + text + "'");
    }

    private Width width(String text) throws ParseException {
        return switch (text) {
            case "i32" -> Width.W32;
            case "i64" -> Width.W64;
            default -> throw error("expected width i32 or i64, found '" + text + "'");
        };
    }

    private AtomicOp atomicOp(String text) throws ParseException {
        for (AtomicOp op : AtomicOp.values()) {
            if (op.mnemonic.equals(text)) return op;
        }
        throw error("unknown atomic operation '" + text + "'");
    }

    private Matcher sizeOf(String text) throws ParseException {
        Matcher m = SIZE.matcher(text == null ? "" : text);
        if (!m.matches()) throw error("expected an access size like u32 or s16, found '" + text + "'");
        return m;
    }

    private Size unsignedSize(String text) throws ParseException {
        Matcher m = sizeOf(text);
        if (m.group(1).equals("s")) throw error("only loads sign-extend; write '" + "u" + m.group(2) + "'");
        return Size.ofBytes(Integer.parseInt(m.group(2)) / 8);
    }

    private Cursor cursor(int index) throws ParseException {
        try {
            return new Cursor(IrLexer.tokenize(IrLexer.stripComment(lines[index])));
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    private ParseException error(String why) {
        return new ParseException(file, line, why);
    }

    /// The tokens of one line with a read position.
    private final class Cursor {
        private final List<Token> tokens;
        private int pos;

        Cursor(List<Token> tokens) {
            this.tokens = tokens;
        }

        boolean atEnd() {
            return pos >= tokens.size();
        }

        int size() {
            return tokens.size() - pos;
        }

        Token peek() {
            return tokens.get(pos);
        }

        Token peekAt(int ahead) {
            return tokens.get(pos + ahead);
        }

        Token next() throws ParseException {
            if (atEnd()) throw error("unexpected end of line");
            return tokens.get(pos++);
        }

        boolean accept(String punct) {
            if (!atEnd() && peek().is(punct)) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(String punct) throws ParseException {
            if (atEnd()) throw error("expected '" + punct + "' at end of line");
            if (!accept(punct)) throw error("expected '" + punct + "', found '" + peek() + "'");
        }

        void end() throws ParseException {
            if (!atEnd()) throw error("unexpected '" + peek() + "'");
        }

        String word() throws ParseException {
            Token t = next();
            if (t.kind() != Kind.WORD) throw error("expected a word, found '" + t + "'");
            return t.text();
        }

        String global() throws ParseException {
            Token t = next();
            if (t.kind() != Kind.GLOBAL) throw error("expected @name, found '" + t + "'");
            return t.text();
        }

        /// The number in a name like `v7`, `block3`, `map0`.
        int number(Pattern pattern, String what) throws ParseException {
            Token t = next();
            Matcher m = pattern.matcher(t.text());
            if (t.kind() != Kind.WORD || !m.matches()) throw error("expected a " + what + " name, found '" + t + "'");
            try {
                return Integer.parseInt(m.group(1));
            } catch (NumberFormatException e) {
                throw error(what + " number out of range in '" + t + "'");
            }
        }

        Type type(String text) throws ParseException {
            if (text == null) throw error("missing type suffix");
            Type t = Type.parse(text);
            if (t == null) throw error("unknown type '" + text + "'");
            return t;
        }

        /// A decimal (optionally negative) or `0x` hexadecimal 64-bit integer.
        long integer() throws ParseException {
            boolean negative = accept("-");
            Token t = next();
            if (t.kind() != Kind.NUMBER) throw error("expected a number, found '" + t + "'");
            try {
                String s = t.text();
                if (s.startsWith("0x")) {
                    if (negative) throw error("hexadecimal numbers are unsigned");
                    return Long.parseUnsignedLong(s.substring(2), 16);
                }
                return negative ? Long.parseLong("-" + s) : Long.parseUnsignedLong(s);
            } catch (NumberFormatException e) {
                throw error("bad number '" + (negative ? "-" : "") + t + "'");
            }
        }

        /// `+N` or `-N`, within 32 bits.
        int offset() throws ParseException {
            if (atEnd() || !(peek().is("+") || peek().is("-"))) throw error("expected an offset like +8 or -8");
            if (accept("+") && !atEnd() && peek().is("-")) throw error("write an offset as +N or -N");
            long v = integer();
            if (v != (int) v) throw error("offset " + v + " does not fit in 32 bits");
            return (int) v;
        }
    }
}
