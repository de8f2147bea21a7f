/// The ebpfc frontend: instruction model, codec, assemblers, `.data` files and the ELF loader.
package dev.ebpfc.frontend;
