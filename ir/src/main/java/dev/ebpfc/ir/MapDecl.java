package dev.ebpfc.ir;

import dev.ebpfc.frontend.object.MapType;

import java.util.Objects;

/// A map the module refers to by index (`map0`): its name in the object, whether it holds global
/// data (`.data`, `.rodata`, `.bss`), whose value addresses are `ptr.global`, and, when known, its
/// shape (type, key and value sizes, entries), which lets passes replace a lookup in an `ARRAY`
/// map by address arithmetic. `type` is null when the shape is unknown (the sizes are then 0).
public record MapDecl(String name, boolean global, MapType type, int keySize, int valueSize, int maxEntries) {
    public MapDecl {
        Objects.requireNonNull(name);
        if (type == null && (keySize != 0 || valueSize != 0 || maxEntries != 0)) throw new IllegalArgumentException("sizes without a map type");
        if (keySize < 0 || valueSize < 0 || maxEntries < 0) throw new IllegalArgumentException("negative map size");
    }

    /// A map whose shape is unknown.
    public MapDecl(String name, boolean global) {
        this(name, global, null, 0, 0, 0);
    }

    public boolean hasShape() {
        return type != null;
    }
}
