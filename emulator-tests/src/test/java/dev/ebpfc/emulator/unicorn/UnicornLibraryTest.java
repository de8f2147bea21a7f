package dev.ebpfc.emulator.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/// Loading libunicorn: present here (the tests need it and fail with the install hint if not),
/// and a missing library is a one-line UnicornException, never an UnsatisfiedLinkError.
class UnicornLibraryTest {
    @Test
    void libraryIsInstalled() {
        assertNull(UnicornNative.LOAD_FAILURE, UnicornNative.LOAD_FAILURE);
    }

    @Test
    void missingLibraryGivesTheInstallHint() {
        UnicornException e = assertThrows(UnicornException.class,
                () -> UnicornNative.lookup("libunicorn-not-here.so.2"));
        assertEquals("libunicorn-not-here.so.2 not found: apt-get install libunicorn2", e.getMessage());
        assertNull(e.getCause());
    }

    @Test
    void versionIs2x() {
        String v = Unicorn.versionString();
        System.out.println("libunicorn " + v + " (uc_version = 0x" + Integer.toHexString(Unicorn.version()) + ")");
        assertTrue(v.startsWith("2."), v);
    }

    @Test
    void errorTableMatchesStrerror() {
        assertEquals(UnicornError.MAP, UnicornError.of(11));
        assertEquals(UnicornError.EXCEPTION, UnicornError.of(21));
        assertEquals(UnicornError.UNKNOWN, UnicornError.of(99));
        // uc_strerror's own text names the code it describes, and messages always do.
        for (UnicornError e : UnicornError.values()) {
            if (e == UnicornError.UNKNOWN) continue;
            String text = UnicornNative.strerror(e.ordinal());
            if (e == UnicornError.HOOK_EXIST) assertEquals("Unknown error code", text); // 2.0.1 has none
            else assertTrue(text.contains(e.cName()), e + ": " + text);
            String message = UnicornException.of("uc_x", e.ordinal()).getMessage();
            assertTrue(message.startsWith("uc_x: ") && message.endsWith("(" + e.cName() + ")"), message);
        }
    }
}
