package dev.ebpfc.runtime;

import java.util.Arrays;
import java.util.HexFormat;

/// The contents of one writable region after a run: `context`, `packet` (from data to data_end),
/// `mem`, and one per map (its entries as key||value pairs in key order, so every engine produces
/// the same bytes whatever its internal layout).
///
/// The constructor takes the array over without copying (snapshots are built once per run, and
/// the copy the caller already made is the only one needed); the accessor hands out copies.
public record RegionSnapshot(String name, byte[] bytes) {

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegionSnapshot r && name.equals(r.name) && Arrays.equals(bytes, r.bytes);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return name + ": " + HexFormat.of().formatHex(bytes);
    }
}
