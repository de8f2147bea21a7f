/// The optimiser: one class per pass, all listed in order in [Pipeline#passes], readable on one
/// screen. Passes are stateless; what one compilation needs lives in [PassContext]. The checker
/// runs between passes when [PassContext#checkBetweenPasses] is set (always in tests).
package dev.ebpfc.ir.opt;
