package dev.ebpfc.frontend.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/// Reads bpf_conformance `.data` files into [DataFile]s and checks every known section (raw,
/// mem, result) parses; the program itself is checked by [DataFile#program]. Lines before the
/// first section may only be comments or blank.
public final class DataFileReader {
    private DataFileReader() {
    }

    public static DataFile read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /// Parses `text`; `origin` names the file in messages.
    public static DataFile parse(String text, String origin) {
        List<String> lines = text.lines().toList();
        List<String> preamble = new ArrayList<>();
        List<DataFile.Section> sections = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String name = null;
        int header = 0;
        List<String> body = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNo = i + 1;
            if (line.startsWith("--")) {
                if (name != null) sections.add(new DataFile.Section(name, header, body));
                name = line.substring(2).strip();
                if (name.isEmpty()) throw new DataFormatException(origin, lineNo, "section header '--' has no name");
                if (!seen.add(name)) throw new DataFormatException(origin, lineNo, "duplicate section -- " + name);
                header = lineNo;
                body = new ArrayList<>();
            } else if (name == null) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    throw new DataFormatException(origin, lineNo, "text before the first section (only # comments may come first): '" + t + "'");
                }
                preamble.add(line);
            } else {
                body.add(line);
            }
        }
        if (name != null) sections.add(new DataFile.Section(name, header, body));
        DataFile file = new DataFile(origin, preamble, sections);
        if (!file.has(DataFile.ASM) && !file.has(DataFile.RAW)) {
            throw new DataFormatException(origin, Math.max(1, lines.size()), "no -- asm or -- raw section: nothing to run");
        }
        file.raw();
        file.mem();
        file.result();
        return file;
    }
}
