package dev.ebpfc.frontend.object;

import java.util.Arrays;
import java.util.Objects;

/// A map the program refers to by index (`lddw dst, map_idx N`). Global data sections (`.data`,
/// `.rodata`, `.bss`, `.rodata.str1.1`…) are single-entry `ARRAY` maps with a 4-byte key, the
/// section as value (`initialValue`) and `readOnly` set for `.rodata*`.
public record MapDef(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags,
                     byte[] initialValue, boolean readOnly, boolean globalData) {
    public MapDef {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        if (initialValue != null && initialValue.length != valueSize) {
            throw new IllegalArgumentException("initial value of " + name + " is " + initialValue.length + " bytes, value size " + valueSize);
        }
        initialValue = initialValue == null ? null : initialValue.clone();
    }

    /// A plain map declared by the program.
    public static MapDef map(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {
        return new MapDef(name, type, keySize, valueSize, maxEntries, flags, null, false, false);
    }

    /// A global data section modelled as a one-entry array.
    public static MapDef globalData(String section, byte[] contents, boolean readOnly) {
        return new MapDef(section, MapType.ARRAY, 4, contents.length, 1, 0, contents, readOnly, true);
    }

    @Override
    public byte[] initialValue() {
        return initialValue == null ? null : initialValue.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapDef m && name.equals(m.name) && type == m.type && keySize == m.keySize
                && valueSize == m.valueSize && maxEntries == m.maxEntries && flags == m.flags
                && Arrays.equals(initialValue, m.initialValue) && readOnly == m.readOnly && globalData == m.globalData;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, keySize, valueSize, maxEntries, flags, Arrays.hashCode(initialValue), readOnly, globalData);
    }

    @Override
    public String toString() {
        return name + ": " + type.name().toLowerCase() + " key " + keySize + " value " + valueSize + " max " + maxEntries
                + (readOnly ? " (read-only)" : "");
    }
}
