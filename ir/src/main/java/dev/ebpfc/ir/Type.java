package dev.ebpfc.ir;

/// Types of IR values. Integers are `i32` and `i64`; pointers are 64 bits wide and carry their
/// provenance (the memory region they point into), which the safety verifier relies on and the
/// optimiser must preserve. A pointer is accepted wherever an `i64` is; `ptr` is a pointer whose
/// region is unknown, and every region-typed pointer is also a `ptr`.
public enum Type {
    I32("i32"),
    I64("i64"),
    /// A pointer into an unknown region.
    PTR("ptr"),
    /// The program context (argument r1 of the entry function).
    PTR_CTX("ptr.ctx"),
    /// Into packet data, from the context.
    PTR_PACKET("ptr.packet"),
    /// One past the packet data: only compared, never dereferenced.
    PTR_PACKET_END("ptr.packet_end"),
    /// Into the current function's stack frame (r10 and offsets from it).
    PTR_STACK("ptr.stack"),
    /// A map handle (`lddw` with a map source), passed to helpers.
    PTR_MAP("ptr.map"),
    /// Into a map value (`lddw map_value`, map lookups).
    PTR_MAP_VALUE("ptr.map_value"),
    /// Into global data (`.data`, `.rodata`, `.bss` held as single-value maps).
    PTR_GLOBAL("ptr.global");

    /// The text-format spelling.
    public final String spelling;

    Type(String spelling) {
        this.spelling = spelling;
    }

    public boolean isPointer() {
        return this != I32 && this != I64;
    }

    /// i64 and every pointer: the values that fill a BPF register.
    public boolean is64() {
        return this != I32;
    }

    public int bits() {
        return this == I32 ? 32 : 64;
    }

    /// The integer type of the same width: what arithmetic other than pointer ± integer yields.
    public Type integerType() {
        return this == I32 ? I32 : I64;
    }

    /// Whether a value of this type may flow where `target` is expected: equal types, a pointer
    /// where `ptr` is expected, any pointer where `i64` is.
    public boolean isAssignableTo(Type target) {
        if (this == target) return true;
        if (!isPointer()) return false;
        return target == I64 || target == PTR;
    }

    /// The most precise type both `a` and `b` are assignable to, or null (`i32` with a 64-bit type).
    public static Type join(Type a, Type b) {
        if (a == b) return a;
        if (a == I32 || b == I32) return null;
        if (a.isPointer() && b.isPointer()) return PTR;
        return I64;
    }

    /// The type spelled `text`, or null.
    public static Type parse(String text) {
        for (Type t : values()) {
            if (t.spelling.equals(text)) return t;
        }
        return null;
    }

    @Override
    public String toString() {
        return spelling;
    }
}
