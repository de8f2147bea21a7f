package dev.ebpfc.emulator.unicorn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;

/// The one place that touches libunicorn symbols: finds the library, builds every downcall handle
/// once (static finals, so the JIT inlines them into [Unicorn]'s hot paths) and the four upcall
/// stubs that every hook of every instance shares (their `user_data` selects the Java hook, see
/// [UnicornHook]), so adding a hook never creates machine code and open/close cycles never leak it.
///
/// A missing library must not surface as an `UnsatisfiedLinkError` or `ExceptionInInitializerError`:
/// the static initialiser never throws; it records [#LOAD_FAILURE] and [Unicorn#open] reports it.
///
/// C types: `uc_engine*`/`void*` = ADDRESS, `uint64_t`/`size_t` = JAVA_LONG (LP64), enums, `int`
/// and `uint32_t` = JAVA_INT, `bool` = JAVA_BOOLEAN.
///
/// Linking symbols is this class's one job, so javac's "restricted method" lint is silenced here
/// only; running still needs `--enable-native-access=ALL-UNNAMED` (surefire passes it).
@SuppressWarnings("restricted")
final class UnicornNative {
    private UnicornNative() {}

    static final String DEFAULT_LIBRARY = "libunicorn.so.2";

    private static final Linker LINKER = Linker.nativeLinker();
    private static final List<String> PROBLEMS = new ArrayList<>();
    private static final SymbolLookup LIB = openDefault();

    /// Functions that cannot call back into Java and take microseconds at most: `critical` skips the
    /// thread-state transition (the dominant cost of a tiny downcall) and, with heap access allowed,
    /// lets `byte[]` go to `uc_mem_read`/`uc_mem_write` without a copy through native memory.
    private static final Linker.Option CRITICAL = Linker.Option.critical(true);

    static final MethodHandle UC_VERSION = fn("uc_version", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle UC_OPEN = fn("uc_open", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle UC_CLOSE = fn("uc_close", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle UC_STRERROR = fn("uc_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    static final MethodHandle UC_QUERY = fn("uc_query", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    static final MethodHandle UC_REG_WRITE =
            fn("uc_reg_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), CRITICAL);
    static final MethodHandle UC_REG_READ =
            fn("uc_reg_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), CRITICAL);
    static final MethodHandle UC_MEM_WRITE =
            fn("uc_mem_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG), CRITICAL);
    static final MethodHandle UC_MEM_READ =
            fn("uc_mem_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG), CRITICAL);
    /// Not critical: hooks run inside it, and they are Java upcalls.
    static final MethodHandle UC_EMU_START = fn("uc_emu_start",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    static final MethodHandle UC_EMU_STOP = fn("uc_emu_stop", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /// `uc_hook_add(uc, uc_hook *hh, int type, void *cb, void *user_data, uint64_t begin, uint64_t end, ...)`
    /// is variadic; declared so, with no variadic arguments, for every hook type but UC_HOOK_INSN.
    static final MethodHandle UC_HOOK_ADD = fn("uc_hook_add",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(7));
    /// The same with the one variadic `int insn` that UC_HOOK_INSN reads (e.g. UC_X86_INS_SYSCALL).
    static final MethodHandle UC_HOOK_ADD_INSN = fn("uc_hook_add",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG,
                    JAVA_INT),
            Linker.Option.firstVariadicArg(7));
    static final MethodHandle UC_HOOK_DEL = fn("uc_hook_del", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle UC_MEM_MAP =
            fn("uc_mem_map", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT));
    static final MethodHandle UC_MEM_MAP_PTR = fn("uc_mem_map_ptr",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS));
    static final MethodHandle UC_MEM_UNMAP =
            fn("uc_mem_unmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    static final MethodHandle UC_MEM_PROTECT =
            fn("uc_mem_protect", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT));
    /// `uc_ctl(uc, uc_control_type, ...)`, variadic; used here only with zero variadic arguments.
    static final MethodHandle UC_CTL0 =
            fn("uc_ctl", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    /// `uc_ctl` with one variadic `int` (UC_CTL_CPU_MODEL's model).
    static final MethodHandle UC_CTL_I = fn("uc_ctl",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    /// `uc_ctl` with two variadic `uint64_t` (UC_CTL_TB_REMOVE_CACHE's begin and end).
    static final MethodHandle UC_CTL_LL = fn("uc_ctl",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(2));

    // ---- shared upcall stubs (callback signatures from unicorn.h) ----

    /// `void (*uc_cb_hookintr_t)(uc_engine *uc, uint32_t intno, void *user_data)`
    static final MemorySegment INTR_STUB = stub("interrupt",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS));
    /// `void (*uc_cb_hookcode_t)(uc_engine *uc, uint64_t address, uint32_t size, void *user_data)`
    static final MemorySegment CODE_STUB = stub("code",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
    /// `bool (*uc_cb_eventmem_t)(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
    /// int64_t value, void *user_data)`
    static final MemorySegment MEM_INVALID_STUB = stub("memInvalid",
            FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS));
    /// `void (*uc_cb_hookmem_t)(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
    /// int64_t value, void *user_data)`
    static final MemorySegment MEM_ACCESS_STUB = stub("memAccess",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS));
    /// `void (*uc_cb_insn_syscall_t)(uc_engine *uc, void *user_data)`
    static final MemorySegment SYSCALL_STUB = stub("syscall", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    /// `uc_strerror` text per code, read once: the strings are static in the library.
    private static final String[] STRERROR = strerrorTable();

    /// Null when every symbol resolved; otherwise the one-line reason [Unicorn#open] throws.
    static final String LOAD_FAILURE = PROBLEMS.isEmpty() ? null : String.join("; ", PROBLEMS);

    /// Finds `name` (a soname searched like dlopen does, or a path); never throws anything but
    /// [UnicornException] with the install hint.
    static SymbolLookup lookup(String name) {
        try {
            return SymbolLookup.libraryLookup(name, Arena.global());
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            throw new UnicornException(name + " not found: apt-get install libunicorn2");
        }
    }

    /// The library, overridable with `-Debpfc.unicorn.library=/path/libunicorn.so.2` (another build).
    private static SymbolLookup openDefault() {
        try {
            return lookup(System.getProperty("ebpfc.unicorn.library", DEFAULT_LIBRARY));
        } catch (UnicornException e) {
            PROBLEMS.add(e.getMessage());
            return null;
        }
    }

    private static MethodHandle fn(String name, FunctionDescriptor fd, Linker.Option... options) {
        if (LIB == null) return null;
        var symbol = LIB.find(name);
        if (symbol.isEmpty()) {
            PROBLEMS.add(name + " missing from libunicorn (need Unicorn 2.x): apt-get install libunicorn2");
            return null;
        }
        return LINKER.downcallHandle(symbol.get(), fd, options);
    }

    private static MemorySegment stub(String target, FunctionDescriptor fd) {
        if (LIB == null) return null;
        try {
            MethodHandle mh = MethodHandles.lookup().findStatic(UnicornHook.class, target, fd.toMethodType());
            return LINKER.upcallStub(mh, fd, Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new LinkageError("UnicornHook." + target + " does not match its C callback type", e);
        }
    }

    private static String[] strerrorTable() {
        String[] table = new String[UnicornError.values().length - 1];
        if (UC_STRERROR == null) return table;
        for (int code = 0; code < table.length; code++) {
            try {
                MemorySegment s = (MemorySegment) UC_STRERROR.invokeExact(code);
                table[code] = s.equals(MemorySegment.NULL) ? null : s.reinterpret(4096).getString(0);
            } catch (Throwable t) {
                throw new LinkageError("uc_strerror", t);
            }
        }
        return table;
    }

    static String strerror(int code) {
        if (code >= 0 && code < STRERROR.length && STRERROR[code] != null) return STRERROR[code];
        return "unknown error " + code;
    }
}
