package dev.ebpfc.ir;

import dev.ebpfc.ir.text.IrPrinter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/// A compilation unit: the maps its instructions refer to by index, its functions, and the entry
/// function (the program; the others are its BPF-to-BPF callees and callbacks).
public final class Module {
    private final List<MapDecl> maps = new ArrayList<>();
    private final List<Function> functions = new ArrayList<>();
    private Function entry;

    /// Declares a map; returns its index.
    public int addMap(MapDecl map) {
        maps.add(Objects.requireNonNull(map));
        return maps.size() - 1;
    }

    public List<MapDecl> maps() {
        return Collections.unmodifiableList(maps);
    }

    public void addFunction(Function f) {
        if (function(f.name()) != null) throw new IllegalArgumentException("@" + f.name() + " already exists");
        functions.add(f);
    }

    /// Removes `f`, which must not be the entry; calls and addresses naming it are the caller's to
    /// remove first (the checker reports any that remain).
    public void removeFunction(Function f) {
        if (f == entry()) throw new IllegalArgumentException("@" + f.name() + " is the entry");
        if (!functions.remove(f)) throw new IllegalArgumentException("@" + f.name() + " is not in the module");
    }

    public List<Function> functions() {
        return Collections.unmodifiableList(functions);
    }

    /// The function named `name`, or null.
    public Function function(String name) {
        for (Function f : functions) {
            if (f.name().equals(name)) return f;
        }
        return null;
    }

    /// The entry function: the one set, else the first.
    public Function entry() {
        if (entry != null) return entry;
        return functions.isEmpty() ? null : functions.getFirst();
    }

    public void setEntry(Function f) {
        if (!functions.contains(f)) throw new IllegalArgumentException("@" + f.name() + " is not in the module");
        entry = f;
    }

    @Override
    public String toString() {
        return IrPrinter.print(this);
    }
}
