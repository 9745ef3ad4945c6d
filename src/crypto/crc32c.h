// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected; RFC 3720 section B.4).
//
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run time) and a portable
// slicing-by-8 table implementation otherwise. Both give identical results.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "base/bytes.h"

namespace kmb::crypto {

// CRC32C of `data` (initial value and final xor 0xFFFFFFFF, as in RFC 3720).
std::uint32_t crc32c(ByteSpan data);

// Continues a CRC: crc32c_extend(crc32c(a), b) == crc32c(a || b); crc32c_extend(0, b) == crc32c(b).
std::uint32_t crc32c_extend(std::uint32_t crc, ByteSpan data);

// The two implementations, exposed for tests and benchmarks.
std::uint32_t crc32c_extend_portable(std::uint32_t crc, ByteSpan data);
std::uint32_t crc32c_extend_hardware(std::uint32_t crc, ByteSpan data);  // REQUIRES: available.
bool crc32c_hardware_available();

}  // namespace kmb::crypto
