package dev.ebpfc.frontend.elf;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The BTF reader on hand-built sections: every kind decodes to its record, sizes resolve through
/// typedefs and qualifiers, and malformed sections give the exact one-line message.
class BtfTest {
    /// Writes a `.BTF` section: header, type records as given, strings.
    static final class Builder {
        final ByteArrayOutputStream types = new ByteArrayOutputStream();
        final ByteArrayOutputStream strings = new ByteArrayOutputStream();

        Builder() {
            strings.write(0);
        }

        int str(String s) {
            int off = strings.size();
            strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            strings.write(0);
            return off;
        }

        Builder type(int name, int kind, int vlen, boolean kindFlag, int sizeOrType, int... extra) {
            words(name, (kindFlag ? 1 << 31 : 0) | kind << 24 | vlen, sizeOrType);
            return words(extra);
        }

        Builder words(int... ws) {
            ByteBuffer b = ByteBuffer.allocate(ws.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int w : ws) b.putInt(w);
            types.writeBytes(b.array());
            return this;
        }

        byte[] build() {
            byte[] t = types.toByteArray(), s = strings.toByteArray();
            ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(t.length).putInt(t.length).putInt(s.length);
            return b.put(t).put(s).array();
        }
    }

    static Btf parse(byte[] b) {
        return Btf.parse(b, "t.o", "section 9 (.BTF)");
    }

    static String error(byte[] b) {
        return assertThrows(ElfException.class, () -> parse(b)).getMessage();
    }

    @Test
    void everyKindDecodes() {
        Builder b = new Builder();
        b.type(b.str("int"), 1, 0, false, 4, 1 << 24 | 32);                                   // 1 INT
        b.type(0, 2, 0, false, 1);                                                            // 2 PTR -> 1
        b.type(0, 3, 0, false, 0, 1, 1, 4);                                                   // 3 ARRAY int[4]
        b.type(b.str("s"), 4, 2, false, 8, b.str("a"), 1, 0, b.str("b"), 1, 32);             // 4 STRUCT
        b.type(b.str("u"), 5, 1, true, 4, b.str("x"), 1, 3 << 24 | 5);                       // 5 UNION, bitfield
        b.type(b.str("e"), 6, 2, true, 4, b.str("A"), 0, b.str("B"), -1);                    // 6 ENUM signed
        b.type(b.str("f"), 7, 0, true, 0);                                                    // 7 FWD union
        b.type(b.str("t"), 8, 0, false, 4);                                                   // 8 TYPEDEF -> 4
        b.type(0, 9, 0, false, 8);                                                            // 9 VOLATILE
        b.type(0, 10, 0, false, 9);                                                           // 10 CONST
        b.type(0, 11, 0, false, 2);                                                           // 11 RESTRICT
        b.type(0, 13, 1, false, 1, b.str("p"), 2);                                            // 12 FUNC_PROTO
        b.type(b.str("fn"), 12, 1, false, 12);                                                // 13 FUNC global
        b.type(b.str("v"), 14, 0, false, 10, 1);                                              // 14 VAR
        b.type(b.str(".data"), 15, 1, false, 8, 14, 0, 8);                                    // 15 DATASEC
        b.type(b.str("float"), 16, 0, false, 4);                                              // 16 FLOAT
        b.type(b.str("tag"), 17, 0, false, 4, 1);                                             // 17 DECL_TAG
        b.type(b.str("tt"), 18, 0, false, 1);                                                 // 18 TYPE_TAG
        b.type(b.str("e64"), 19, 1, false, 8, b.str("BIG"), 1, 1);                           // 19 ENUM64
        Btf btf = parse(b.build());

        assertEquals(20, btf.count());
        assertNull(btf.type(0));
        assertEquals(new BtfType.Int("int", 4, 1, 0, 32), btf.type(1));
        assertEquals(new BtfType.Ptr(1), btf.type(2));
        assertEquals(new BtfType.Array(1, 1, 4), btf.type(3));
        assertEquals(new BtfType.Struct("s", false, 8, List.of(new BtfType.Member("a", 1, 0, 0), new BtfType.Member("b", 1, 32, 0))), btf.type(4));
        assertEquals(new BtfType.Struct("u", true, 4, List.of(new BtfType.Member("x", 1, 5, 3))), btf.type(5));
        assertEquals(new BtfType.Enum("e", 4, true, false, List.of(new BtfType.EnumValue("A", 0), new BtfType.EnumValue("B", -1))), btf.type(6));
        assertEquals(new BtfType.Fwd("f", true), btf.type(7));
        assertEquals(new BtfType.Typedef("t", 4), btf.type(8));
        assertEquals(new BtfType.Qualifier(BtfType.KIND_VOLATILE, 8), btf.type(9));
        assertEquals(new BtfType.Qualifier(BtfType.KIND_CONST, 9), btf.type(10));
        assertEquals(new BtfType.Qualifier(BtfType.KIND_RESTRICT, 2), btf.type(11));
        assertEquals(new BtfType.FuncProto(1, List.of(new BtfType.Param("p", 2))), btf.type(12));
        assertEquals(new BtfType.Func("fn", 12, 1), btf.type(13));
        assertEquals(new BtfType.Var("v", 10, 1), btf.type(14));
        assertEquals(new BtfType.Datasec(".data", 8, List.of(new BtfType.VarSecinfo(14, 0, 8))), btf.type(15));
        assertEquals(new BtfType.Float("float", 4), btf.type(16));
        assertEquals(new BtfType.DeclTag("tag", 4, 1), btf.type(17));
        assertEquals(new BtfType.TypeTag("tt", 1), btf.type(18));
        assertEquals(new BtfType.Enum("e64", 8, false, true, List.of(new BtfType.EnumValue("BIG", 0x1_0000_0001L))), btf.type(19));

        assertEquals(16, btf.sizeOf(3));
        assertEquals(8, btf.sizeOf(10));   // const volatile typedef struct s
        assertEquals(8, btf.sizeOf(14));   // the variable's type
        assertEquals(8, btf.sizeOf(11));   // restrict pointer
        assertEquals(4, btf.sizeOf(18));
        assertInstanceOf(BtfType.Struct.class, btf.resolve(10));
        assertEquals(btf.type(15), btf.datasec(".data"));
        assertEquals("int", btf.string(1));
    }

    @Test
    void badMagic() {
        byte[] b = new Builder().build();
        b[0] = 0x34;
        b[1] = 0x12;
        assertEquals("t.o: section 9 (.BTF) offset 0x0: bad BTF magic 0x1234 (expected 0xeb9f, little-endian)", error(b));
    }

    @Test
    void truncatedHeader() {
        assertEquals("t.o: section 9 (.BTF) offset 0x0: truncated BTF header (10 bytes, needs 24)", error(new byte[10]));
    }

    @Test
    void typeSectionBeyondTheData() {
        byte[] b = new Builder().build();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 0x1000);
        assertEquals("t.o: section 9 (.BTF) offset 0x8: type section 0x0 + 0x1000 extends beyond the BTF data (1 bytes)", error(b));
    }

    @Test
    void unknownKind() {
        Builder b = new Builder();
        b.type(0, 20, 0, false, 0);
        assertEquals("t.o: section 9 (.BTF) offset 0x18: type 1: unknown BTF kind 20", error(b.build()));
    }

    @Test
    void hugeMemberCount() {
        Builder b = new Builder();
        b.type(0, 4, 0xffff, false, 8, 0, 0, 0);
        assertEquals("t.o: section 9 (.BTF) offset 0x24: type 1: 65535 members (786420 bytes) run past the end of the type section", error(b.build()));
    }

    @Test
    void nameBeyondTheStrings() {
        Builder b = new Builder();
        b.type(999, 1, 0, false, 4, 32);
        assertEquals("t.o: section 9 (.BTF) offset 0x18: type 1: name offset 999 is beyond the string section (1 bytes)", error(b.build()));
    }

    @Test
    void stringsMustStartEmpty() {
        Builder b = new Builder();
        byte[] bytes = b.build();
        bytes[bytes.length - 1] = 'x';
        assertEquals("t.o: section 9 (.BTF) offset 0x18: the string section must start with an empty string", error(bytes));
    }

    @Test
    void cyclesAndDanglingIdsAreErrors() {
        Builder b = new Builder();
        b.type(0, 8, 0, false, 2);   // 1 typedef -> 2
        b.type(0, 10, 0, false, 1);  // 2 const -> 1
        b.type(0, 2, 0, false, 99);  // 3 ptr -> 99
        b.type(0, 3, 0, false, 0, 4, 1, 2); // 4 array of itself
        Btf btf = parse(b.build());
        assertTrue(assertThrows(ElfException.class, () -> btf.sizeOf(1)).getMessage().endsWith("(a cycle?)"));
        assertEquals("t.o: section 9 (.BTF): type id 99 out of range (5 types)", assertThrows(ElfException.class, () -> btf.resolve(99)).getMessage());
        assertEquals(8, btf.sizeOf(3)); // a pointer's size does not need its target
        assertEquals("t.o: section 9 (.BTF): type 4: nesting deeper than 64 (a cycle?)", assertThrows(ElfException.class, () -> btf.sizeOf(4)).getMessage());
    }
}
