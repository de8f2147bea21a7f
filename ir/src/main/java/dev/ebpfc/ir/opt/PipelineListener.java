package dev.ebpfc.ir.opt;

import dev.ebpfc.ir.Module;

/// Watches a pipeline run: `--print-after` prints the module after chosen passes, `--time-passes`
/// collects the time each took.
public interface PipelineListener {
    PipelineListener NONE = (pass, module, nanos) -> { };

    void afterPass(Pass pass, Module module, long nanos);
}
