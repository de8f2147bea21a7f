/// Well-formedness of IR: the structural and typing rules every pass must preserve. Not the
/// safety verifier (which proves memory accesses in bounds); this says whether the IR is IR.
package dev.ebpfc.ir.check;
