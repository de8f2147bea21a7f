package dev.ebpfc.ir.text;

import dev.ebpfc.ir.Module;

import java.util.IdentityHashMap;
import java.util.Map;

/// A parsed module with the source line of each function, block and instruction, so checker
/// errors and test expectations can point at the line they are about.
public record ParsedModule(String file, Module module, Map<Object, Integer> lines) {
    public ParsedModule {
        lines = new IdentityHashMap<>(lines);
    }

    /// The 1-based line that defined `entity` (a function, block or instruction), or 0.
    public int lineOf(Object entity) {
        return lines.getOrDefault(entity, 0);
    }
}
