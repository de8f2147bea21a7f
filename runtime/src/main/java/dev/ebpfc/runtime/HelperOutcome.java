package dev.ebpfc.runtime;

/// What one helper call (or runtime service such as a legacy packet load) asked of the engine
/// running the program, as [RunEnvironment#callHelper] reports it.
///
/// - `returned`: the helper returned normally; `r0` is then the new r0 and `clobber` (null when
///   none) the values to leave in r1–r5. When it threw, r0 keeps its old value.
/// - `stop`: null to go on; otherwise the program ends here with this kind and `message` (no
///   slot prefix; [RunEnvironment#result] callers add it). For `NONE` and `UNWIND` the run's r0
///   is the current r0, for every other kind it is 0, as in the interpreter.
/// - `tailCall`: the program number a successful `bpf_tail_call` asked to jump to, else -1.
public record HelperOutcome(boolean returned, long r0, long[] clobber, ErrorKind stop, String message, int tailCall) {
    /// The helper returned `r0` and the program goes on.
    public boolean continues() {
        return stop == null && tailCall < 0;
    }

    static HelperOutcome stopped(ErrorKind kind, String message) {
        return new HelperOutcome(false, 0, null, kind, message, -1);
    }
}
