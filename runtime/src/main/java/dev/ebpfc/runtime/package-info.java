/// The reference semantics every other engine is judged against: [dev.ebpfc.runtime.Engine] and
/// its [dev.ebpfc.runtime.ExecutionResult] (the whole state of a run), the
/// [dev.ebpfc.runtime.RunEnvironment] every engine shares (regions, helper calls, results), the
/// reference interpreter (`interp`), the memory layout (`memory`), maps, helpers with their Linux
/// and conformance profiles, program contexts, and the bpf_conformance runner (`conformance`).
/// See docs/runtime.md.
package dev.ebpfc.runtime;
