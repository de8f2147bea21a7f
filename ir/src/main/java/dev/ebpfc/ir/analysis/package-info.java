/// Analyses over a function's control-flow graph: [Cfg] (edges, reverse postorder, reachability),
/// [DominatorTree] (Cooper–Harvey–Kennedy, dominance frontiers), natural [Loops] and block-level
/// [Liveness]. Each is a snapshot: compute it, use it, and compute it again after changing the
/// function.
package dev.ebpfc.ir.analysis;
