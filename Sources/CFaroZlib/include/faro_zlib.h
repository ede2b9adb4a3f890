#ifndef FARO_ZLIB_H
#define FARO_ZLIB_H

#include <stddef.h>
#include <stdint.h>

/// The most bytes `faro_gzip` writes for `length` input bytes (gzip header and trailer included).
size_t faro_gzip_bound(size_t length);

/// Compresses `length` bytes of `input` into a gzip member (RFC 1952) at `output`, which holds
/// `capacity` bytes (`faro_gzip_bound(length)` is always enough). `level` is zlib's 0–9.
/// Returns the compressed size, or 0 when zlib fails or the output does not fit.
size_t faro_gzip(const uint8_t *input, size_t length, uint8_t *output, size_t capacity, int level);

#endif
