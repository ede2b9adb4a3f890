/// The process heap.
public enum Heap {
    /// Hands the free memory at the top of glibc's heaps back to the kernel, after a one-off
    /// build that needed much more memory than the daemon keeps (glibc keeps freed memory).
    public static func trim() {
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if os(Linux)
// `malloc_trim` is declared in <malloc.h>, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
