/// The SSA IR: types, values, blocks with parameters, instructions as records, functions and modules,
/// and the builder the lifter uses. Text format in `text`, well-formedness in `check`, CFG analyses
/// in `analysis`.
///
/// Entities print in their text spelling (`v7`, `block3`, `v3 = add.i64 v1, v2`).
package dev.ebpfc.ir;
