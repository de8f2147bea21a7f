package dev.ebpfc.emulator.fuzz;

import dev.ebpfc.runtime.Engine;

import java.util.function.Supplier;

/// A named way to make an engine. A campaign calls [#create] once per worker thread, because
/// emulated engines are confined to the thread that made them.
public record EngineFactory(String name, Supplier<? extends Engine> supplier) {
    public EngineFactory {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("engine factory without a name");
        if (supplier == null) throw new IllegalArgumentException("engine factory " + name + " without a supplier");
    }

    public Engine create() {
        Engine e = supplier.get();
        if (e == null) throw new IllegalStateException("engine factory " + name + " made no engine");
        return e;
    }
}
