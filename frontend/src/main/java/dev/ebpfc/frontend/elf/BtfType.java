package dev.ebpfc.frontend.elf;

import java.util.List;

/// One BTF type, a record per kind (kernel Documentation/bpf/btf.rst, "Type Encoding"). Type
/// references are ids into the same [Btf]; id 0 is `void`. Names are resolved strings ("" when
/// anonymous).
public sealed interface BtfType {
    int KIND_INT = 1, KIND_PTR = 2, KIND_ARRAY = 3, KIND_STRUCT = 4, KIND_UNION = 5, KIND_ENUM = 6, KIND_FWD = 7,
        KIND_TYPEDEF = 8, KIND_VOLATILE = 9, KIND_CONST = 10, KIND_RESTRICT = 11, KIND_FUNC = 12, KIND_FUNC_PROTO = 13,
        KIND_VAR = 14, KIND_DATASEC = 15, KIND_FLOAT = 16, KIND_DECL_TAG = 17, KIND_TYPE_TAG = 18, KIND_ENUM64 = 19;

    String name();

    /// `BTF_KIND_INT`: `size` bytes, `bits` of which are used starting at `bitOffset`;
    /// `encoding` holds `BTF_INT_SIGNED` (1), `BTF_INT_CHAR` (2), `BTF_INT_BOOL` (4).
    record Int(String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
    }

    record Ptr(int type) implements BtfType {
        public String name() {
            return "";
        }
    }

    record Array(int type, int indexType, int nelems) implements BtfType {
        public String name() {
            return "";
        }
    }

    /// `BTF_KIND_STRUCT` or (`union`) `BTF_KIND_UNION`.
    record Struct(String name, boolean union, int size, List<Member> members) implements BtfType {
        public Struct {
            members = List.copyOf(members);
        }
    }

    /// A struct or union member; `bitfieldSize` is 0 unless the member is a bitfield.
    record Member(String name, int type, int bitOffset, int bitfieldSize) {
    }

    /// `BTF_KIND_ENUM` (`wide` false, 32-bit values) or `BTF_KIND_ENUM64`.
    record Enum(String name, int size, boolean signed, boolean wide, List<EnumValue> values) implements BtfType {
        public Enum {
            values = List.copyOf(values);
        }
    }

    record EnumValue(String name, long value) {
    }

    /// A forward declaration of a struct or (`union`) union.
    record Fwd(String name, boolean union) implements BtfType {
    }

    record Typedef(String name, int type) implements BtfType {
    }

    /// `volatile`, `const` or `restrict` (the BTF kind number in `kind`).
    record Qualifier(int kind, int type) implements BtfType {
        public String name() {
            return "";
        }
    }

    /// `linkage`: 0 static, 1 global, 2 extern.
    record Func(String name, int type, int linkage) implements BtfType {
    }

    /// `returnType` 0 is void; a last parameter with type 0 marks varargs.
    record FuncProto(int returnType, List<Param> params) implements BtfType {
        public FuncProto {
            params = List.copyOf(params);
        }

        public String name() {
            return "";
        }
    }

    record Param(String name, int type) {
    }

    record Var(String name, int type, int linkage) implements BtfType {
    }

    /// A data section's variables. In object files `offset`s (and `size`) are often still 0;
    /// the ELF symbols hold the real positions.
    record Datasec(String name, int size, List<VarSecinfo> vars) implements BtfType {
        public Datasec {
            vars = List.copyOf(vars);
        }
    }

    record VarSecinfo(int type, int offset, int size) {
    }

    record Float(String name, int size) implements BtfType {
    }

    /// A tag on a declaration; `componentIndex` -1 tags the whole type, else a member or parameter.
    record DeclTag(String name, int type, int componentIndex) implements BtfType {
    }

    record TypeTag(String name, int type) implements BtfType {
    }
}
