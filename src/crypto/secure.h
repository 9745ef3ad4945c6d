// Handling secrets in memory: constant-time comparison, zeroing that the compiler cannot elide, and
// SecretBytes, a fixed-size byte buffer that wipes itself.
//
// Thread-safety: the free functions are pure (they touch only their arguments). A SecretBytes is a
// value; share it between threads only for reading.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"

namespace kmb::crypto {

// True if `a` and `b` have the same length and the same bytes. The time taken depends only on the
// lengths, never on where the contents differ. Returns false (early) on different lengths: lengths
// of tags and keys are public.
bool constant_time_equal(ByteSpan a, ByteSpan b);

// Overwrites `bytes` with zeros in a way the optimizer will not remove (OPENSSL_cleanse).
void secure_zero(MutableByteSpan bytes);

// An owned buffer of secret bytes (keys, seeds, derived key material). Its size is fixed at
// construction so the buffer is never reallocated (a reallocation would leave an unwiped copy
// behind). The bytes are wiped on destruction and when overwritten by assignment; a moved-from
// SecretBytes is empty. Copying is explicit (clone()) so copies of secrets are visible in code.
class SecretBytes {
 public:
  SecretBytes() = default;
  // `size` zero bytes.
  explicit SecretBytes(std::size_t size);
  // A copy of `bytes`. The caller remains responsible for wiping its own copy.
  explicit SecretBytes(ByteSpan bytes);
  ~SecretBytes();

  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;

  SecretBytes clone() const;

  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::uint8_t* data() { return bytes_.data(); }
  ByteSpan span() const { return ByteSpan(bytes_); }
  MutableByteSpan mutable_span() { return MutableByteSpan(bytes_); }

  // Wipes and releases the bytes; the object is empty afterwards.
  void clear();

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace kmb::crypto
