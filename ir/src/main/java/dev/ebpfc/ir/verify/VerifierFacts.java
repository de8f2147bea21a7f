package dev.ebpfc.ir.verify;

import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.verify.AbsValue.Region;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/// What the verifier proved, for passes that come after it (bounds-check elimination, range-based
/// simplification). Facts hold on every execution of the module as verified: they are joined over
/// every calling context and every path, and only recorded by the final checking pass over a
/// fixpoint. They refer to the verified module's [Inst] and [Value] objects; a pass that changes
/// an instruction must drop or re-derive its facts.
///
/// - [#access(Inst)]: for each load, store, atomic and helper memory argument, the region
///   accessed, the range of byte offsets touched (relative to the region's start: `data` for the
///   packet, the frame pointer for the stack — negative — the value start for maps and global
///   data), and whether the access was proven in bounds. In trusted mode an access through `mem`
///   that could not be proven is allowed but recorded with `inBounds == false`.
/// - [#range(Value)]: the bounds of each integer-valued SSA value at its definition.
/// - [#branchOutcome(Inst)]: for each conditional branch, whether the verifier proved it always
///   takes its true edge ([BranchOutcome#TAKEN]) or always its false edge
///   ([BranchOutcome#NOT_TAKEN]). Each state the checking pass runs the branch from, in every
///   calling context, contributes the edges it can take (an edge whose condition the refinement
///   shows impossible for that state, or a packet pointer compared with `data_end` that is proven
///   before it); the outcome is decided only if every state agrees. A branch never reached is
///   [BranchOutcome#UNKNOWN].
public final class VerifierFacts {
    /// What the verifier proved about a conditional branch.
    public enum BranchOutcome {
        /// Every execution reaching the branch takes its true edge.
        TAKEN,
        /// Every execution reaching the branch takes its false edge.
        NOT_TAKEN,
        /// Either edge may be taken, or the branch was never reached (or is no branch).
        UNKNOWN
    }

    static final int TRUE_EDGE = 1, FALSE_EDGE = 2;

    /// A memory access: `size` bytes at offsets `[minOffset, maxOffset]` of `region` (`id`: the
    /// frame depth, the map index).
    public record Access(Region region, int id, long minOffset, long maxOffset, int size, boolean inBounds) {
        Access merge(Access o) {
            if (region != o.region || id != o.id || size != o.size) return new Access(region, id, minOffset, maxOffset, size, false);
            return new Access(region, id, Math.min(minOffset, o.minOffset), Math.max(maxOffset, o.maxOffset), size, inBounds && o.inBounds);
        }
    }

    /// The bounds of an integer value, unsigned and signed, and its known bits (`knownMask` set
    /// where `knownBits` is exact).
    public record Range(long umin, long umax, long smin, long smax, long knownBits, long knownMask) {
        static Range of(Scalar s) {
            return new Range(s.umin(), s.umax(), s.smin(), s.smax(), s.bits().value(), ~s.bits().mask());
        }

        public boolean isConstant() {
            return umin == umax;
        }
    }

    private final Map<Inst, Access> accesses = new IdentityHashMap<>();
    private final Map<Value, Scalar> ranges = new IdentityHashMap<>();
    /// Per branch, the edges some checked state can take ([#TRUE_EDGE] | [#FALSE_EDGE]).
    private final Map<Inst, Integer> branches = new IdentityHashMap<>();

    /// The access `inst` makes, or null (no memory access, or never reached).
    public Access access(Inst inst) {
        return accesses.get(inst);
    }

    /// Whether every execution of `inst`'s memory access is proven in bounds.
    public boolean provenInBounds(Inst inst) {
        Access a = accesses.get(inst);
        return a != null && a.inBounds();
    }

    /// The range of integer value `v`, or null (a pointer, or never reached).
    public Range range(Value v) {
        Scalar s = ranges.get(v);
        return s == null ? null : Range.of(s);
    }

    /// Whether conditional branch `inst` always goes one way, on every path and in every calling
    /// context that reaches it (see the class comment); [BranchOutcome#UNKNOWN] when not proven,
    /// never reached, or not a branch.
    public BranchOutcome branchOutcome(Inst inst) {
        Integer e = branches.get(inst);
        if (e == null) return BranchOutcome.UNKNOWN;
        return switch (e) {
            case TRUE_EDGE -> BranchOutcome.TAKEN;
            case FALSE_EDGE -> BranchOutcome.NOT_TAKEN;
            default -> BranchOutcome.UNKNOWN;
        };
    }

    public Map<Inst, Access> accesses() {
        return Collections.unmodifiableMap(accesses);
    }

    void recordAccess(Inst inst, Access a) {
        accesses.merge(inst, a, Access::merge);
    }

    void recordBranch(Inst inst, int edges) {
        branches.merge(inst, edges, (a, b) -> a | b);
    }

    /// Records `v`'s value in one context; a value that is a pointer in any context has no range.
    void recordValue(Value v, AbsValue a) {
        if (a instanceof Scalar s) {
            if (!ranges.containsKey(v)) ranges.put(v, s);
            else if (ranges.get(v) != null) ranges.put(v, ranges.get(v).join(s));
        } else {
            ranges.put(v, null);
        }
    }
}
