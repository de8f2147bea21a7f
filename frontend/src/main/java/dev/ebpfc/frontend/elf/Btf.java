package dev.ebpfc.frontend.elf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/// The `.BTF` section: header, type section and string section (kernel Documentation/bpf/btf.rst,
/// "BTF Type and String Encoding"), with every offset, count and string index checked. Type ids
/// start at 1; `type(0)` is void (null). Size queries follow typedefs and qualifiers with a depth
/// limit, so cyclic or dangling references are errors, not hangs.
public final class Btf {
    public static final int MAGIC = 0xeb9f;
    private static final int HEADER_SIZE = 24;
    /// Deepest chain of typedefs/qualifiers/arrays followed before giving up (cycles).
    private static final int MAX_DEPTH = 64;

    private final String origin;
    private final String where;
    private final List<BtfType> types;
    private final byte[] strings;

    private Btf(String origin, String where, List<BtfType> types, byte[] strings) {
        this.origin = origin;
        this.where = where;
        this.types = types;
        this.strings = strings;
    }

    /// Parses a `.BTF` section. `where` names it in messages (`section 17 (.BTF)`).
    public static Btf parse(byte[] b, String origin, String where) {
        Reader r = new Reader(b, origin, where);
        if (b.length < HEADER_SIZE) throw r.fail(0, "truncated BTF header (" + b.length + " bytes, needs " + HEADER_SIZE + ")");
        if (r.u16(0) != MAGIC) throw r.fail(0, "bad BTF magic 0x" + Integer.toHexString(r.u16(0)) + " (expected 0xeb9f, little-endian)");
        if (b[2] != 1) throw r.fail(2, "BTF version " + b[2] + ", expected 1");
        long hdrLen = r.u32(4);
        if (hdrLen < HEADER_SIZE || hdrLen > b.length) throw r.fail(4, "BTF header length " + hdrLen + " is not in " + HEADER_SIZE + ".." + b.length);
        long typeOff = r.u32(8), typeLen = r.u32(12), strOff = r.u32(16), strLen = r.u32(20);
        long body = b.length - hdrLen;
        if (typeOff > body || typeLen > body - typeOff) {
            throw r.fail(8, "type section 0x" + Long.toHexString(typeOff) + " + 0x" + Long.toHexString(typeLen) + " extends beyond the BTF data (" + body + " bytes)");
        }
        if (strOff > body || strLen > body - strOff) {
            throw r.fail(16, "string section 0x" + Long.toHexString(strOff) + " + 0x" + Long.toHexString(strLen) + " extends beyond the BTF data (" + body + " bytes)");
        }
        int strStart = (int) (hdrLen + strOff);
        if (strLen == 0 || b[strStart] != 0) throw r.fail(strStart, "the string section must start with an empty string");
        if (b[(int) (strStart + strLen - 1)] != 0) throw r.fail((int) (strStart + strLen - 1), "the string section does not end with NUL");
        byte[] strings = java.util.Arrays.copyOfRange(b, strStart, (int) (strStart + strLen));
        List<BtfType> types = new ArrayList<>();
        types.add(null); // id 0: void
        r.btf = new Btf(origin, where, types, strings);
        int at = (int) (hdrLen + typeOff);
        int end = (int) (hdrLen + typeOff + typeLen);
        while (at < end) at = r.type(at, end, types);
        return new Btf(origin, where, Collections.unmodifiableList(types), strings);
    }

    /// Number of type ids, void included (valid ids are `0..count()-1`).
    public int count() {
        return types.size();
    }

    /// The type with `id`, null for void. An id out of range is an error.
    public BtfType type(int id) {
        if (id < 0 || id >= types.size()) throw fail("type id " + Integer.toUnsignedString(id) + " out of range (" + types.size() + " types)");
        return types.get(id);
    }

    /// The string at `offset` of the string section.
    public String string(long offset) {
        if (offset < 0 || offset >= strings.length) {
            throw fail("string offset " + offset + " is beyond the string section (" + strings.length + " bytes)");
        }
        int end = (int) offset;
        while (strings[end] != 0) end++; // the section ends with NUL (checked)
        return new String(strings, (int) offset, end - (int) offset, StandardCharsets.UTF_8);
    }

    /// The type `id` with typedefs, qualifiers and type tags stripped.
    public BtfType resolve(int id) {
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            BtfType t = type(id);
            switch (t) {
                case BtfType.Typedef td -> id = td.type();
                case BtfType.Qualifier q -> id = q.type();
                case BtfType.TypeTag tt -> id = tt.type();
                case null, default -> {
                    return t;
                }
            }
        }
        throw fail("type " + id + ": typedef/qualifier chain deeper than " + MAX_DEPTH + " (a cycle?)");
    }

    /// The size in bytes of type `id`, as `sizeof` would give it.
    public long sizeOf(int id) {
        return sizeOf(id, 0);
    }

    private long sizeOf(int id, int depth) {
        if (depth > MAX_DEPTH) throw fail("type " + id + ": nesting deeper than " + MAX_DEPTH + " (a cycle?)");
        BtfType t = resolve(id);
        return switch (t) {
            case null -> throw fail("type " + id + " is void, which has no size");
            case BtfType.Int i -> i.size();
            case BtfType.Ptr p -> 8;
            case BtfType.Array a -> {
                long n = Integer.toUnsignedLong(a.nelems());
                long element = sizeOf(a.type(), depth + 1);
                if (element != 0 && n > (1L << 40) / element) throw fail("type " + id + ": array of " + n + " × " + element + " bytes is too large");
                yield n * element;
            }
            case BtfType.Struct s -> Integer.toUnsignedLong(s.size());
            case BtfType.Enum e -> e.size();
            case BtfType.Float f -> f.size();
            case BtfType.Datasec d -> Integer.toUnsignedLong(d.size());
            case BtfType.Var v -> sizeOf(v.type(), depth + 1);
            case BtfType.Fwd f -> throw fail("type " + id + " is the forward declaration " + f.name() + ", which has no size");
            case BtfType.Func f -> throw fail("type " + id + " is the function " + f.name() + ", which has no size");
            case BtfType.FuncProto f -> throw fail("type " + id + " is a function prototype, which has no size");
            case BtfType.DeclTag d -> throw fail("type " + id + " is a declaration tag, which has no size");
            case BtfType.Typedef td -> throw new IllegalStateException("resolved");
            case BtfType.Qualifier q -> throw new IllegalStateException("resolved");
            case BtfType.TypeTag tt -> throw new IllegalStateException("resolved");
        };
    }

    /// The first `DATASEC` called `name`, or null.
    public BtfType.Datasec datasec(String name) {
        for (BtfType t : types) {
            if (t instanceof BtfType.Datasec d && d.name().equals(name)) return d;
        }
        return null;
    }

    ElfException fail(String why) {
        return new ElfException(origin, where, why);
    }

    /// Bounds-checked little-endian reads over the section bytes, and the type decoder.
    private static final class Reader {
        private final byte[] b;
        private final String origin;
        private final String where;
        private Btf btf;

        Reader(byte[] b, String origin, String where) {
            this.b = b;
            this.origin = origin;
            this.where = where;
        }

        /// Decodes the type at `at`, appends it to `out` and returns where the next one starts.
        int type(int at, int end, List<BtfType> out) {
            int id = out.size();
            need(at, 12, end, id, "type header");
            String name = name(r32(at), at, id);
            long info = u32(at + 4);
            int vlen = (int) (info & 0xffff);
            int kind = (int) ((info >>> 24) & 0x1f);
            boolean kindFlag = (info >>> 31) != 0;
            int sizeOrType = r32(at + 8);
            int p = at + 12;
            BtfType t = switch (kind) {
                case BtfType.KIND_INT -> {
                    need(p, 4, end, id, "INT encoding");
                    int enc = r32(p);
                    p += 4;
                    int bits = enc & 0xff;
                    int offset = (enc >>> 16) & 0xff;
                    if (sizeOrType < 1 || sizeOrType > 16 || bits > sizeOrType * 8 || offset + bits > sizeOrType * 8) {
                        throw fail(at, "type " + id + ": INT of size " + sizeOrType + " with " + bits + " bits at offset " + offset);
                    }
                    yield new BtfType.Int(name, sizeOrType, (enc >>> 24) & 0xf, offset, bits);
                }
                case BtfType.KIND_PTR -> new BtfType.Ptr(sizeOrType);
                case BtfType.KIND_ARRAY -> {
                    need(p, 12, end, id, "ARRAY");
                    BtfType.Array a = new BtfType.Array(r32(p), r32(p + 4), r32(p + 8));
                    p += 12;
                    yield a;
                }
                case BtfType.KIND_STRUCT, BtfType.KIND_UNION -> {
                    need(p, (long) vlen * 12, end, id, vlen + " members");
                    List<BtfType.Member> members = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, p += 12) {
                        int off = r32(p + 8);
                        members.add(new BtfType.Member(name(r32(p), p, id), r32(p + 4),
                                kindFlag ? off & 0xffffff : off, kindFlag ? off >>> 24 : 0));
                    }
                    yield new BtfType.Struct(name, kind == BtfType.KIND_UNION, sizeOrType, members);
                }
                case BtfType.KIND_ENUM -> {
                    need(p, (long) vlen * 8, end, id, vlen + " enumerators");
                    List<BtfType.EnumValue> values = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, p += 8) {
                        int v = r32(p + 4);
                        values.add(new BtfType.EnumValue(name(r32(p), p, id), kindFlag ? v : Integer.toUnsignedLong(v)));
                    }
                    yield new BtfType.Enum(name, sizeOrType, kindFlag, false, values);
                }
                case BtfType.KIND_ENUM64 -> {
                    need(p, (long) vlen * 12, end, id, vlen + " enumerators");
                    List<BtfType.EnumValue> values = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, p += 12) {
                        values.add(new BtfType.EnumValue(name(r32(p), p, id), u32(p + 4) | u32(p + 8) << 32));
                    }
                    yield new BtfType.Enum(name, sizeOrType, kindFlag, true, values);
                }
                case BtfType.KIND_FWD -> new BtfType.Fwd(name, kindFlag);
                case BtfType.KIND_TYPEDEF -> new BtfType.Typedef(name, sizeOrType);
                case BtfType.KIND_VOLATILE, BtfType.KIND_CONST, BtfType.KIND_RESTRICT -> new BtfType.Qualifier(kind, sizeOrType);
                case BtfType.KIND_FUNC -> new BtfType.Func(name, sizeOrType, vlen);
                case BtfType.KIND_FUNC_PROTO -> {
                    need(p, (long) vlen * 8, end, id, vlen + " parameters");
                    List<BtfType.Param> params = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, p += 8) params.add(new BtfType.Param(name(r32(p), p, id), r32(p + 4)));
                    yield new BtfType.FuncProto(sizeOrType, params);
                }
                case BtfType.KIND_VAR -> {
                    need(p, 4, end, id, "VAR linkage");
                    int linkage = r32(p);
                    p += 4;
                    yield new BtfType.Var(name, sizeOrType, linkage);
                }
                case BtfType.KIND_DATASEC -> {
                    need(p, (long) vlen * 12, end, id, vlen + " variables");
                    List<BtfType.VarSecinfo> vars = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, p += 12) vars.add(new BtfType.VarSecinfo(r32(p), r32(p + 4), r32(p + 8)));
                    yield new BtfType.Datasec(name, sizeOrType, vars);
                }
                case BtfType.KIND_FLOAT -> new BtfType.Float(name, sizeOrType);
                case BtfType.KIND_DECL_TAG -> {
                    need(p, 4, end, id, "DECL_TAG component index");
                    int component = r32(p);
                    p += 4;
                    yield new BtfType.DeclTag(name, sizeOrType, component);
                }
                case BtfType.KIND_TYPE_TAG -> new BtfType.TypeTag(name, sizeOrType);
                default -> throw fail(at, "type " + id + ": unknown BTF kind " + kind);
            };
            out.add(t);
            return p;
        }

        private void need(int at, long bytes, int end, int id, String what) {
            if (bytes > end - at) throw fail(at, "type " + id + ": " + what + " (" + bytes + " bytes) run past the end of the type section");
        }

        private String name(int off, int at, int id) {
            long o = Integer.toUnsignedLong(off);
            if (o >= btf.strings.length) {
                throw fail(at, "type " + id + ": name offset " + o + " is beyond the string section (" + btf.strings.length + " bytes)");
            }
            return btf.string(o);
        }

        int u16(int at) {
            return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
        }

        long u32(int at) {
            return Integer.toUnsignedLong(r32(at));
        }

        int r32(int at) {
            return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
        }

        ElfException fail(int at, String why) {
            return new ElfException(origin, where + " offset 0x" + Integer.toHexString(at), why);
        }
    }
}
