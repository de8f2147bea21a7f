/// backend-arm64: see ARCHITECTURE.md (module table). Filled by its issue.
package dev.ebpfc.backend.arm64;
