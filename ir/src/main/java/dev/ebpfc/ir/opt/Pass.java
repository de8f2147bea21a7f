package dev.ebpfc.ir.opt;

import dev.ebpfc.ir.Module;

/// One optimisation pass: transforms every function of a module in place and keeps it well
/// formed. Implementations hold no state between runs.
public interface Pass {
    /// The name `--print-after` and `--time-passes` use (`sccp`, `dce`, …).
    String name();

    void run(Module module, PassContext context);
}
