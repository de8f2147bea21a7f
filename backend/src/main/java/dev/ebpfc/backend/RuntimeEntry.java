package dev.ebpfc.backend;

/// Services of the engine that compiled code calls through the constant pool, with the native
/// calling convention (arguments in the ABI's argument registers, result in its return
/// register). The engine may stop the program inside any of them (see docs/native-abi.md).
public enum RuntimeEntry {
    /// A runtime error at an instruction: arg0 = [RuntimeError] ordinal, arg1 = slot, arg2 =
    /// detail. Never continues: the code jumps to its unwind path if the call returns.
    ERROR,
    /// Legacy `LD_ABS`/`LD_IND`: arg0 = packet offset (signed 64-bit), arg1 = size (1, 2, 4);
    /// returns the value in host order. Outside the packet the engine stops the program with
    /// r0 = 0 and no error.
    LOAD_PACKET,
    /// `callx`: arg0 = the target value; returns the machine address of the code for that value
    /// when it names an instruction of this program, else 0 (then it is tried as a helper id).
    RESOLVE_CALLX,
    /// `callx` of a helper: arg0–arg4 = r1–r5, arg5 = helper id; returns r0. Unknown ids stop
    /// the program with BAD_CALL.
    HELPER_BY_ID
}
