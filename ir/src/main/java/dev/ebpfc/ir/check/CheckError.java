package dev.ebpfc.ir.check;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;

/// One well-formedness violation: where (function, block, instruction — the last two null when
/// the error is about something larger) and why.
public record CheckError(Function function, Block block, Inst inst, String why) {

    /// `@f block2 `v3 = add.i64 v1, v2`: why`, on one line.
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (function != null) sb.append('@').append(function.name());
        if (block != null) sb.append(sb.isEmpty() ? "" : " ").append(block);
        if (inst != null) sb.append(sb.isEmpty() ? "" : " ").append('`').append(inst).append('`');
        return sb.append(sb.isEmpty() ? "" : ": ").append(why).toString();
    }
}
