package dev.ebpfc.emulator.unicorn;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/// A hook registered on one [Unicorn] instance, and the process-wide slot table that routes the
/// shared upcall stubs back to it: the stub's `user_data` is the slot number, so a lookup is one
/// array load and adding a hook allocates no machine code.
///
/// The static `interrupt`/`code`/`memInvalid`/`memAccess`/`syscall` methods are the upcall targets. An
/// exception escaping an upcall terminates the JVM, so each catches every Throwable, hands it to
/// the owning instance (which stops emulation and rethrows it from `start`), and returns normally.
public final class UnicornHook {
    enum Kind { INTERRUPT, CODE, MEM_INVALID, MEM_WRITE, SYSCALL }

    final Unicorn owner;
    final Kind kind;
    final Object callback;
    final int slot;
    /// The `uc_hook` handle, set once `uc_hook_add` succeeded.
    long handle;
    boolean deleted;

    private UnicornHook(Unicorn owner, Kind kind, Object callback, int slot) {
        this.owner = owner;
        this.kind = kind;
        this.callback = callback;
        this.slot = slot;
    }

    public boolean isDeleted() {
        return deleted;
    }

    @Override
    public String toString() {
        return "UnicornHook[" + kind + (deleted ? ", deleted]" : "]");
    }

    // ---- slot table ----------------------------------------------------------------------------

    private static final Object LOCK = new Object();
    /// Read without the lock on the hot path; every writer re-publishes the array through this
    /// volatile field after storing an element, so a reader that sees the array sees the element.
    private static volatile UnicornHook[] slots = new UnicornHook[64];
    private static int[] free = new int[0];
    private static int freeCount;
    private static int used;

    static UnicornHook register(Unicorn owner, Kind kind, Object callback) {
        synchronized (LOCK) {
            int slot;
            if (freeCount > 0) {
                slot = free[--freeCount];
            } else {
                slot = used++;
                if (slot == slots.length) slots = Arrays.copyOf(slots, slots.length * 2);
            }
            UnicornHook hook = new UnicornHook(owner, kind, callback, slot);
            UnicornHook[] s = slots;
            s[slot] = hook;
            slots = s;
            return hook;
        }
    }

    static void release(UnicornHook hook) {
        synchronized (LOCK) {
            UnicornHook[] s = slots;
            if (s[hook.slot] != hook) return;
            s[hook.slot] = null;
            slots = s;
            if (freeCount == free.length) free = Arrays.copyOf(free, Math.max(16, free.length * 2));
            free[freeCount++] = hook.slot;
        }
    }

    /// Slots in use, for leak tests.
    static int liveCount() {
        synchronized (LOCK) {
            return used - freeCount;
        }
    }

    private static UnicornHook find(MemorySegment userData) {
        long slot = userData.address();
        UnicornHook[] s = slots;
        // A stale slot (hook deleted while Unicorn still held a pending call) is ignored.
        return slot >= 0 && slot < s.length ? s[(int) slot] : null;
    }

    // ---- upcall targets (signatures must match the FunctionDescriptors in UnicornNative) ------

    static void interrupt(MemorySegment uc, int intno, MemorySegment userData) {
        UnicornHook h = null;
        try {
            h = find(userData);
            if (h != null) ((Unicorn.InterruptHook) h.callback).onInterrupt(h.owner, intno);
        } catch (Throwable t) {
            failed(h, uc, t);
        }
    }

    static void code(MemorySegment uc, long address, int size, MemorySegment userData) {
        UnicornHook h = null;
        try {
            h = find(userData);
            if (h != null) ((Unicorn.CodeHook) h.callback).onCode(h.owner, address, size);
        } catch (Throwable t) {
            failed(h, uc, t);
        }
    }

    static boolean memInvalid(MemorySegment uc, int type, long address, int size, long value,
                              MemorySegment userData) {
        UnicornHook h = null;
        try {
            h = find(userData);
            return h != null && ((Unicorn.MemInvalidHook) h.callback)
                    .onInvalidAccess(h.owner, UnicornMemAccess.of(type), address, size, value);
        } catch (Throwable t) {
            failed(h, uc, t);
            return false; // false = stop with UC_ERR_*_UNMAPPED/PROT; start() then reports t
        }
    }

    static void memAccess(MemorySegment uc, int type, long address, int size, long value, MemorySegment userData) {
        UnicornHook h = null;
        try {
            h = find(userData);
            if (h != null) ((Unicorn.MemWriteHook) h.callback).onWrite(h.owner, address, size, value);
        } catch (Throwable t) {
            failed(h, uc, t);
        }
    }

    static void syscall(MemorySegment uc, MemorySegment userData) {
        UnicornHook h = null;
        try {
            h = find(userData);
            if (h != null) ((Unicorn.SyscallHook) h.callback).onSyscall(h.owner);
        } catch (Throwable t) {
            failed(h, uc, t);
        }
    }

    /// Must not throw: it runs in the upcall's catch block, where nothing else would catch.
    private static void failed(UnicornHook h, MemorySegment uc, Throwable t) {
        try {
            if (h != null) h.owner.hookFailed(t);
            int ignored = (int) UnicornNative.UC_EMU_STOP.invokeExact(uc);
        } catch (Throwable again) {
            // Nothing safe is left to do here; emulation ends when start() sees the failure or
            // hits its own limit.
        }
    }
}
