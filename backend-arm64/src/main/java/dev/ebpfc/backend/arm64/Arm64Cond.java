package dev.ebpfc.backend.arm64;

/// Condition codes (Arm ARM DDI 0487 C1.2.4, table "Condition codes"), by their four-bit encoding.
/// `HS`/`LO` are the unsigned names; GNU objdump prints their synonyms `cs`/`cc`, so [#text]
/// carries objdump's spelling. `AL` and `NV` both mean "always".
public enum Arm64Cond {
    EQ("eq"), NE("ne"), HS("cs"), LO("cc"), MI("mi"), PL("pl"), VS("vs"), VC("vc"),
    HI("hi"), LS("ls"), GE("ge"), LT("lt"), GT("gt"), LE("le"), AL("al"), NV("nv");

    /// The spelling objdump uses.
    public final String text;

    Arm64Cond(String text) {
        this.text = text;
    }

    public int code() {
        return ordinal();
    }

    /// The opposite condition: flipping bit 0 (AL and NV invert to each other, both still "always").
    public Arm64Cond invert() {
        return values()[ordinal() ^ 1];
    }

    /// AL and NV (`111x`): the aliases cset/cinc/cneg… do not exist for them.
    public boolean always() {
        return ordinal() >= 14;
    }
}
