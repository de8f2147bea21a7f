package dev.ebpfc.ir.text;

import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.MapDecl;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;

import java.util.List;

/// Prints IR in the text format [IrParser] reads back: `parse(print(m))` prints identically.
///
/// ```
/// map0 = map "counters" array key 4 value 16 entries 8
///
/// function @xdp_prog(v0: ptr.ctx) {
/// block0(v0: ptr.ctx):
///     v1 = load.u32 v0+4
///     br.jgt.i64 v1, v2, block1(v1), block2
/// ...
/// }
/// ```
/// Opcode suffixes name the result type (`add.ptr.packet`), except where the suffix names the
/// operation's own width or size (`cmp.jgt.i32`, `load.u16`, `store.u64`).
public final class IrPrinter {
    private IrPrinter() {}

    public static String print(Module m) {
        StringBuilder sb = new StringBuilder();
        List<MapDecl> maps = m.maps();
        for (int i = 0; i < maps.size(); i++) {
            MapDecl d = maps.get(i);
            sb.append("map").append(i).append(" = ").append(d.global() ? "global" : "map").append(' ')
                    .append(quote(d.name()));
            if (d.hasShape()) {
                sb.append(' ').append(d.type().name().toLowerCase(java.util.Locale.ROOT)).append(" key ").append(d.keySize())
                        .append(" value ").append(d.valueSize()).append(" entries ").append(d.maxEntries());
            }
            sb.append('\n');
        }
        if (m.entry() != null && m.entry() != m.functions().getFirst()) {
            if (!sb.isEmpty()) sb.append('\n');
            sb.append("entry @").append(m.entry().name()).append('\n');
        }
        for (Function f : m.functions()) {
            if (!sb.isEmpty()) sb.append('\n');
            print(f, sb);
        }
        return sb.toString();
    }

    public static String print(Function f) {
        StringBuilder sb = new StringBuilder();
        print(f, sb);
        return sb.toString();
    }

    private static void print(Function f, StringBuilder sb) {
        sb.append("function @").append(f.name());
        params(f.params(), sb);
        if (f.params().isEmpty()) sb.append("()");
        sb.append(" {\n");
        for (Block b : f.blocks()) {
            sb.append(blockHeader(b)).append('\n');
            for (Inst i : b.instructions()) sb.append("    ").append(instruction(i)).append('\n');
        }
        sb.append("}\n");
    }

    /// `block3(v4: i64, v5: ptr.stack):`
    public static String blockHeader(Block b) {
        StringBuilder sb = new StringBuilder(b.toString());
        params(b.params(), sb);
        return sb.append(':').toString();
    }

    private static void params(List<Value> params, StringBuilder sb) {
        if (params.isEmpty()) return;
        sb.append('(');
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(params.get(i)).append(": ").append(params.get(i).type());
        }
        sb.append(')');
    }

    /// One instruction line without indentation: `v3 = add.i64 v1, v2`.
    public static String instruction(Inst inst) {
        Value r = inst.result();
        String body = operation(inst.op(), r == null ? null : r.type());
        return r == null ? body : r + " = " + body;
    }

    /// The right-hand side of an instruction whose result has type `type`.
    public static String operation(Instruction op, Type type) {
        return switch (op) {
            case Const c -> "const." + c.type() + " " + (c.type() == Type.I32 ? Integer.toString((int) c.value()) : Long.toString(c.value()));
            case Binary(var o, Value a, Value b) -> o.mnemonic + "." + type + " " + a + ", " + b;
            case Unary(var o, Value a) -> o.mnemonic + "." + type + " " + a;
            case Extend e -> (e.signed() ? "sext" : "zext") + e.fromBits() + "." + e.to() + " " + e.a();
            case Trunc(Value a) -> "trunc." + type + " " + a;
            case ByteSwap(int bits, Value a) -> "bswap" + bits + "." + type + " " + a;
            case Cmp(var cond, Width w, Value a, Value b) -> "cmp." + cond.mnemonic + "." + width(w) + " " + a + ", " + b;
            case Select(Value c, Value t, Value f) -> "select." + type + " " + c + ", " + t + ", " + f;
            case Load l -> "load." + size(l.size(), l.signed()) + (l.type() == Type.I64 ? "" : "." + l.type()) + " "
                    + address(l.addr(), l.offset());
            case Store s -> "store." + size(s.size(), false) + " " + address(s.addr(), s.offset()) + ", " + s.value();
            case AtomicRmw a -> "atomic." + (a.fetch() ? "fetch." : "") + a.op().mnemonic + "." + size(a.size(), false) + " "
                    + address(a.addr(), a.offset()) + ", " + a.value();
            case CmpXchg x -> "cmpxchg." + size(x.size(), false) + " " + address(x.addr(), x.offset()) + ", " + x.expected() + ", "
                    + x.replacement();
            case PacketLoad p -> "packet_load." + size(p.size(), false) + " " + p.offset();
            case MapRef m -> "map_ref map" + m.mapIndex();
            case MapValueAddr m -> (m.global() ? "global_value map" : "map_value map") + m.mapIndex() + offset(m.offset());
            case FramePointer _ -> "frame_pointer";
            case FuncAddr f -> "func_addr @" + f.function();
            case CallHelper c -> "call_helper " + c.helper() + args(c.args());
            case CallLocal c -> "call @" + c.function() + args(c.args());
            case CallKfunc c -> "call_kfunc " + c.btfId() + args(c.args());
            case CallIndirect c -> "call_indirect " + c.target() + args(c.args());
            case Jump(BlockCall t) -> "jump " + t;
            case Branch br -> "br." + br.cond().mnemonic + "." + width(br.width()) + " " + br.a() + ", " + br.b() + ", "
                    + br.ifTrue() + ", " + br.ifFalse();
            case Return(Value v) -> "ret " + v;
            case TailCall t -> "tail_call " + t.ctx() + ", " + t.map() + ", " + t.index() + ", " + t.fallthrough();
            case Trap(var reason) -> "trap " + reason;
        };
    }

    static String size(Size size, boolean signed) {
        return (signed ? "s" : "u") + size.bytes * 8;
    }

    static String width(Width w) {
        return w == Width.W32 ? "i32" : "i64";
    }

    private static String address(Value base, int offset) {
        return base + offset(offset);
    }

    private static String offset(int offset) {
        return offset < 0 ? Long.toString(offset) : "+" + offset;
    }

    private static String args(List<Value> args) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(args.get(i));
        }
        return sb.append(')').toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\');
            sb.append(c);
        }
        return sb.append('"').toString();
    }
}
