#ifndef CSHIELD_SIMD_H
#define CSHIELD_SIMD_H

// The one vector operation Swift's SIMD types do not offer: gathering the high bit of each byte
// lane into an integer (x86 `pmovmskb`). Swift imports `shield_u8x16` as `SIMD16<UInt8>` and
// inlines the function, so a scan loop gets a single instruction where a portable Swift form
// takes a dozen. Other targets get the portable form.

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef uint8_t shield_u8x16 __attribute__((vector_size(16)));

/// Bit i of the result is the high bit of byte lane i.
static inline uint32_t shield_high_bits(shield_u8x16 lanes) {
#if defined(__SSE2__)
    return (uint32_t)_mm_movemask_epi8((__m128i)lanes);
#else
    uint32_t bits = 0;
    for (int i = 0; i < 16; i++) {
        bits |= (uint32_t)(lanes[i] >> 7) << i;
    }
    return bits;
#endif
}

#endif
