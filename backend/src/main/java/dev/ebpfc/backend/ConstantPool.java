package dev.ebpfc.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// The constant pool of one compilation: each distinct [PoolEntry] gets one 8-byte slot after
/// the code (8-aligned), reached through a label the ISA's PC-relative loads refer to.
public final class ConstantPool {
    private final CodeBuffer<?> buffer;
    private final Map<PoolEntry, CodeBuffer.Label> labels = new LinkedHashMap<>();

    public ConstantPool(CodeBuffer<?> buffer) {
        this.buffer = buffer;
    }

    /// The label of `entry`'s slot, creating the slot on first use.
    public CodeBuffer.Label label(PoolEntry entry) {
        return labels.computeIfAbsent(entry, e -> {
            CodeBuffer.Label l = buffer.label("pool" + labels.size());
            buffer.bindAfterCode(l, 8, 8 * labels.size());
            return l;
        });
    }

    /// Entries in slot order.
    public List<PoolEntry> entries() {
        return new ArrayList<>(labels.keySet());
    }

    /// Offset of the first slot; valid after assembly (the code size when the pool is empty).
    public int offset(int codeSize) {
        return (codeSize + 7) & -8;
    }
}
