package dev.ebpfc.runtime.conformance;

/// The outcome of one conformance `.data` file: passed or not, and why in one line (expected vs
/// actual, or the rejection an expected error matched).
public record ConformanceCase(String file, boolean passed, String detail, Long expected, Long actual) {
}
