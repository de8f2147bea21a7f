package dev.ebpfc.frontend.elf;

import dev.ebpfc.frontend.FrontendException;

/// An ELF object (or the BTF inside it) that cannot be loaded. The one-line message is
/// `origin: where: why`, where `where` names a file offset or a section (and an offset in it).
public final class ElfException extends FrontendException {
    public ElfException(String origin, String where, String why) {
        super(origin + ": " + where + ": " + why);
    }

    public ElfException(String origin, String where, String why, Throwable cause) {
        super(origin + ": " + where + ": " + why, cause);
    }
}
