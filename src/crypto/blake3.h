// BLAKE3 (the BLAKE3 specification, 2020): a tree hash with three modes (hash, keyed_hash,
// derive_key) and extendable output. Written from the specification in portable C++: a scalar,
// fully unrolled compression function and the chunk-state + chaining-value-stack tree walk.
//
// Thread-safety: the free functions are pure. A Blake3 hasher is a value with no shared state;
// do not use one object from two threads at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"

namespace kmb::crypto {

inline constexpr std::size_t blake3_output_size = 32;
inline constexpr std::size_t blake3_key_size = 32;
inline constexpr std::size_t blake3_block_size = 64;
inline constexpr std::size_t blake3_chunk_size = 1024;

using Blake3Digest = std::array<std::uint8_t, blake3_output_size>;
using Blake3Key = std::array<std::uint8_t, blake3_key_size>;

// Plain BLAKE3 hash of `data`.
Blake3Digest blake3(ByteSpan data);
// Keyed hash (a MAC / PRF) of `data` under a 32-byte key.
Blake3Digest blake3_keyed_hash(const Blake3Key& key, ByteSpan data);
// Derives out.size() bytes from `key_material` for the purpose named by `context`. The context
// should be a hard-coded, globally unique, application-specific string, never a variable.
void blake3_derive_key(std::string_view context, ByteSpan key_material, MutableByteSpan out);

// Incremental BLAKE3. update() any number of times with pieces of any size; finalize() does not
// change the state, so it may be called repeatedly and updates may continue afterwards.
// In keyed modes the key-derived state is wiped when the hasher is destroyed or reset.
class Blake3 {
 public:
  // Hash mode.
  Blake3();
  static Blake3 keyed_hash(const Blake3Key& key);
  static Blake3 derive_key(std::string_view context);

  ~Blake3();
  Blake3(const Blake3&) = default;
  Blake3& operator=(const Blake3&) = default;

  void update(ByteSpan data);

  // Extendable output: fills `out` (any length) with the output stream; the first 32 bytes are
  // the default-length digest.
  void finalize(MutableByteSpan out) const;
  Blake3Digest finalize() const;

  // Forgets all input, keeping the mode and key.
  void reset();

 private:
  using Words = std::array<std::uint32_t, 8>;
  struct Output;

  // 2^64 bytes of input is 2^54 chunks, so the stack never holds more than 54 subtree CVs.
  static constexpr std::size_t cv_stack_size_max = 54;

  Blake3(const Words& key_words, std::uint32_t flags);

  std::size_t chunk_input_size() const;
  std::uint32_t chunk_start_flag() const;
  void chunk_update(const std::uint8_t* in, std::size_t size);
  Output chunk_output() const;
  void push_chunk_chaining_value(Words chaining_value, std::uint64_t total_chunks);
  void wipe();

  Words key_words_;
  std::uint32_t flags_;
  // The chunk being hashed.
  Words chunk_chaining_value_;
  std::uint64_t chunk_counter_ = 0;
  std::array<std::uint8_t, blake3_block_size> block_{};
  std::uint8_t block_size_ = 0;
  std::uint8_t blocks_compressed_ = 0;
  // Chaining values of completed subtrees, largest first.
  std::uint8_t cv_stack_size_ = 0;
  std::array<Words, cv_stack_size_max> cv_stack_;
};

}  // namespace kmb::crypto
