/// backend-riscv64: see ARCHITECTURE.md (module table). Filled by its issue.
package dev.ebpfc.backend.riscv64;
