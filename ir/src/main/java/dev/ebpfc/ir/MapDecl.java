package dev.ebpfc.ir;

import java.util.Objects;

/// A map the module refers to by index (`map0`): its name in the object, and whether it holds
/// global data (`.data`, `.rodata`, `.bss`), whose value addresses are `ptr.global`.
public record MapDecl(String name, boolean global) {
    public MapDecl {
        Objects.requireNonNull(name);
    }
}
