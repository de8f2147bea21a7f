package dev.ebpfc.ir.verify;

import java.util.List;

/// The outcome of a verification: accepted when there are no messages. `facts` is what the
/// checking pass proved (meaningful for accepted programs; see [VerifierFacts]); `instructions`
/// counts IR instructions interpreted abstractly and `states` the block states computed, over
/// every function analysis (callees once per distinct calling context), as the kernel's
/// "processed N insns" does.
public record VerifierResult(List<Diagnostic> messages, VerifierFacts facts, long instructions, long states, long nanos) {
    public VerifierResult {
        messages = List.copyOf(messages);
    }

    public boolean accepted() {
        return messages.isEmpty();
    }

    /// `accepted (…)` or the messages, one per line.
    public String summary() {
        if (accepted()) {
            return String.format("accepted (%d instructions, %d states, %.1f ms)", instructions, states, nanos / 1e6);
        }
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : messages) sb.append(d).append('\n');
        return sb.toString().stripTrailing();
    }
}
