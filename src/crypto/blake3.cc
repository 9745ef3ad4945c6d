#include "crypto/blake3.h"

#include <algorithm>
#include <cstring>

#include "base/assert.h"
#include "crypto/secure.h"

// SSE2 is part of the x86-64 baseline, so this path needs no run-time CPU check.
#if defined(__SSE2__)
#include <emmintrin.h>
#define KMB_BLAKE3_HAVE_SSE2 1
#else
#define KMB_BLAKE3_HAVE_SSE2 0
#endif

namespace kmb::crypto {
namespace {

// Domain-separation flags (specification, table 3).
constexpr std::uint32_t flag_chunk_start = 1u << 0;
constexpr std::uint32_t flag_chunk_end = 1u << 1;
constexpr std::uint32_t flag_parent = 1u << 2;
constexpr std::uint32_t flag_root = 1u << 3;
constexpr std::uint32_t flag_keyed_hash = 1u << 4;
constexpr std::uint32_t flag_derive_key_context = 1u << 5;
constexpr std::uint32_t flag_derive_key_material = 1u << 6;

// The SHA-256 initial hash value.
constexpr std::array<std::uint32_t, 8> iv = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
                                             0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};

constexpr int round_count = 7;
using Schedule = std::array<std::array<std::uint8_t, 16>, round_count>;

// Round r reads message word schedule[r][i] where the specification permutes the block between
// rounds; composing the permutation ahead of time lets every index be a compile-time constant.
constexpr Schedule make_schedule() {
  constexpr std::array<std::uint8_t, 16> permutation = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};
  Schedule schedule{};
  for (std::uint8_t i = 0; i < 16; i++) schedule[0][i] = i;
  for (int round = 1; round < round_count; round++) {
    for (int i = 0; i < 16; i++) schedule[round][i] = schedule[round - 1][permutation[i]];
  }
  return schedule;
}

constexpr Schedule schedule = make_schedule();
static_assert(schedule[1][0] == 2);
static_assert(schedule[1][15] == 8);
static_assert(schedule[2][0] == 3);  // Round 2 starts with m[3]: the permutation applied twice.

#define KMB_BLAKE3_INLINE inline __attribute__((always_inline))

KMB_BLAKE3_INLINE std::uint32_t rotate_right(std::uint32_t value, int bits) {
  return (value >> bits) | (value << (32 - bits));
}

// The quarter-round mixing function G.
KMB_BLAKE3_INLINE void mix(std::uint32_t& a, std::uint32_t& b, std::uint32_t& c, std::uint32_t& d, std::uint32_t x,
                           std::uint32_t y) {
  a = a + b + x;
  d = rotate_right(d ^ a, 16);
  c = c + d;
  b = rotate_right(b ^ c, 12);
  a = a + b + y;
  d = rotate_right(d ^ a, 8);
  c = c + d;
  b = rotate_right(b ^ c, 7);
}

template <int round>
KMB_BLAKE3_INLINE void run_round(std::uint32_t (&v)[16], const std::uint32_t (&m)[16]) {
  constexpr const std::array<std::uint8_t, 16>& s = schedule[round];
  // Columns.
  mix(v[0], v[4], v[8], v[12], m[s[0]], m[s[1]]);
  mix(v[1], v[5], v[9], v[13], m[s[2]], m[s[3]]);
  mix(v[2], v[6], v[10], v[14], m[s[4]], m[s[5]]);
  mix(v[3], v[7], v[11], v[15], m[s[6]], m[s[7]]);
  // Diagonals.
  mix(v[0], v[5], v[10], v[15], m[s[8]], m[s[9]]);
  mix(v[1], v[6], v[11], v[12], m[s[10]], m[s[11]]);
  mix(v[2], v[7], v[8], v[13], m[s[12]], m[s[13]]);
  mix(v[3], v[4], v[9], v[14], m[s[14]], m[s[15]]);
}

using Words = std::array<std::uint32_t, 8>;

// The seven rounds of the compression function on state `v`, set up from the inputs.
KMB_BLAKE3_INLINE void compress_rounds(std::uint32_t (&v)[16], const Words& chaining_value, const std::uint8_t* block,
                                       std::uint64_t counter, std::uint32_t block_size, std::uint32_t flags) {
  std::uint32_t m[16];
  for (std::size_t i = 0; i < 16; i++) m[i] = load_le<std::uint32_t>(block + 4 * i);
  for (int i = 0; i < 8; i++) v[i] = chaining_value[i];
  v[8] = iv[0];
  v[9] = iv[1];
  v[10] = iv[2];
  v[11] = iv[3];
  v[12] = static_cast<std::uint32_t>(counter);
  v[13] = static_cast<std::uint32_t>(counter >> 32);
  v[14] = block_size;
  v[15] = flags;
  run_round<0>(v, m);
  run_round<1>(v, m);
  run_round<2>(v, m);
  run_round<3>(v, m);
  run_round<4>(v, m);
  run_round<5>(v, m);
  run_round<6>(v, m);
}

// Compression truncated to the 8-word chaining value, written over `chaining_value`.
__attribute__((noinline)) void compress_in_place(Words& chaining_value, const std::uint8_t* block,
                                                 std::uint64_t counter, std::uint32_t block_size, std::uint32_t flags) {
  std::uint32_t v[16];
  compress_rounds(v, chaining_value, block, counter, block_size, flags);
  for (int i = 0; i < 8; i++) chaining_value[i] = v[i] ^ v[i + 8];
}

// The full 16-word output, as 64 little-endian bytes (used for root output blocks).
void compress_extended(const Words& chaining_value, const std::uint8_t* block, std::uint64_t counter,
                       std::uint32_t block_size, std::uint32_t flags, std::uint8_t* out) {
  std::uint32_t v[16];
  compress_rounds(v, chaining_value, block, counter, block_size, flags);
  for (std::size_t i = 0; i < 8; i++) {
    store_le<std::uint32_t>(out + 4 * i, v[i] ^ v[i + 8]);
    store_le<std::uint32_t>(out + 32 + 4 * i, v[i + 8] ^ chaining_value[i]);
  }
}

Words words_from_key(const std::uint8_t* key) {
  Words words;
  for (std::size_t i = 0; i < 8; i++) words[i] = load_le<std::uint32_t>(key + 4 * i);
  return words;
}

#if KMB_BLAKE3_HAVE_SSE2
// Four whole chunks hashed side by side, one chunk per 32-bit lane of an SSE2 register. The chunks
// of a tree are independent until their chaining values are merged, so long inputs use this.
constexpr std::size_t parallel_chunk_count = 4;

template <int bits>
KMB_BLAKE3_INLINE __m128i rotate_right_lanes(__m128i value) {
  if constexpr (bits == 16) {
    // Swapping the 16-bit halves of each lane is one shuffle pair instead of two shifts and an or.
    return _mm_shufflehi_epi16(_mm_shufflelo_epi16(value, 0xB1), 0xB1);
  } else {
    return _mm_or_si128(_mm_srli_epi32(value, bits), _mm_slli_epi32(value, 32 - bits));
  }
}

KMB_BLAKE3_INLINE void mix_lanes(__m128i& a, __m128i& b, __m128i& c, __m128i& d, __m128i x, __m128i y) {
  a = _mm_add_epi32(_mm_add_epi32(a, b), x);
  d = rotate_right_lanes<16>(_mm_xor_si128(d, a));
  c = _mm_add_epi32(c, d);
  b = rotate_right_lanes<12>(_mm_xor_si128(b, c));
  a = _mm_add_epi32(_mm_add_epi32(a, b), y);
  d = rotate_right_lanes<8>(_mm_xor_si128(d, a));
  c = _mm_add_epi32(c, d);
  b = rotate_right_lanes<7>(_mm_xor_si128(b, c));
}

template <int round>
KMB_BLAKE3_INLINE void run_round_lanes(__m128i (&v)[16], const __m128i (&m)[16]) {
  constexpr const std::array<std::uint8_t, 16>& s = schedule[round];
  mix_lanes(v[0], v[4], v[8], v[12], m[s[0]], m[s[1]]);
  mix_lanes(v[1], v[5], v[9], v[13], m[s[2]], m[s[3]]);
  mix_lanes(v[2], v[6], v[10], v[14], m[s[4]], m[s[5]]);
  mix_lanes(v[3], v[7], v[11], v[15], m[s[6]], m[s[7]]);
  mix_lanes(v[0], v[5], v[10], v[15], m[s[8]], m[s[9]]);
  mix_lanes(v[1], v[6], v[11], v[12], m[s[10]], m[s[11]]);
  mix_lanes(v[2], v[7], v[8], v[13], m[s[12]], m[s[13]]);
  mix_lanes(v[3], v[4], v[9], v[14], m[s[14]], m[s[15]]);
}

// Rows (a, b, c, d) of a 4x4 matrix of 32-bit words become its columns.
KMB_BLAKE3_INLINE void transpose_lanes(__m128i& a, __m128i& b, __m128i& c, __m128i& d) {
  const __m128i ab_low = _mm_unpacklo_epi32(a, b);
  const __m128i cd_low = _mm_unpacklo_epi32(c, d);
  const __m128i ab_high = _mm_unpackhi_epi32(a, b);
  const __m128i cd_high = _mm_unpackhi_epi32(c, d);
  a = _mm_unpacklo_epi64(ab_low, cd_low);
  b = _mm_unpackhi_epi64(ab_low, cd_low);
  c = _mm_unpacklo_epi64(ab_high, cd_high);
  d = _mm_unpackhi_epi64(ab_high, cd_high);
}

// Chaining values of the `count` consecutive whole chunks at `in`, numbered from `counter`, into
// out[0 .. count). Lanes beyond `count` recompute chunk 0 and are discarded, so no byte past the
// input is read. REQUIRES: 1 <= count <= 4; none of the chunks is the last chunk of the input.
void hash_chunks_in_lanes(const std::uint8_t* in, std::size_t count, const Words& key_words, std::uint64_t counter,
                          std::uint32_t flags, std::array<Words, parallel_chunk_count>& out) {
  KMB_ASSERT(count >= 1);
  KMB_ASSERT(count <= parallel_chunk_count);
  const std::uint8_t* lane_input[parallel_chunk_count];
  for (std::size_t lane = 0; lane < parallel_chunk_count; lane++) {
    lane_input[lane] = lane < count ? in + lane * blake3_chunk_size : in;
  }
  __m128i chaining_value[8];
  for (int i = 0; i < 8; i++) chaining_value[i] = _mm_set1_epi32(static_cast<int>(key_words[i]));
  std::uint32_t counter_low[parallel_chunk_count];
  std::uint32_t counter_high[parallel_chunk_count];
  for (std::size_t lane = 0; lane < parallel_chunk_count; lane++) {
    counter_low[lane] = static_cast<std::uint32_t>(counter + lane);
    counter_high[lane] = static_cast<std::uint32_t>((counter + lane) >> 32);
  }
  const __m128i counter_low_lanes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(counter_low));
  const __m128i counter_high_lanes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(counter_high));
  constexpr std::size_t blocks_per_chunk = blake3_chunk_size / blake3_block_size;
  for (std::size_t block = 0; block < blocks_per_chunk; block++) {
    __m128i m[16];
    for (std::size_t group = 0; group < 4; group++) {
      __m128i rows[parallel_chunk_count];
      for (std::size_t lane = 0; lane < parallel_chunk_count; lane++) {
        rows[lane] = _mm_loadu_si128(
            reinterpret_cast<const __m128i*>(lane_input[lane] + block * blake3_block_size + 16 * group));
      }
      transpose_lanes(rows[0], rows[1], rows[2], rows[3]);
      for (std::size_t word = 0; word < 4; word++) m[4 * group + word] = rows[word];
    }
    std::uint32_t block_flags = flags;
    if (block == 0) block_flags |= flag_chunk_start;
    if (block == blocks_per_chunk - 1) block_flags |= flag_chunk_end;
    __m128i v[16];
    for (int i = 0; i < 8; i++) v[i] = chaining_value[i];
    for (int i = 0; i < 4; i++) v[8 + i] = _mm_set1_epi32(static_cast<int>(iv[i]));
    v[12] = counter_low_lanes;
    v[13] = counter_high_lanes;
    v[14] = _mm_set1_epi32(static_cast<int>(blake3_block_size));
    v[15] = _mm_set1_epi32(static_cast<int>(block_flags));
    run_round_lanes<0>(v, m);
    run_round_lanes<1>(v, m);
    run_round_lanes<2>(v, m);
    run_round_lanes<3>(v, m);
    run_round_lanes<4>(v, m);
    run_round_lanes<5>(v, m);
    run_round_lanes<6>(v, m);
    for (int i = 0; i < 8; i++) chaining_value[i] = _mm_xor_si128(v[i], v[i + 8]);
  }
  transpose_lanes(chaining_value[0], chaining_value[1], chaining_value[2], chaining_value[3]);
  transpose_lanes(chaining_value[4], chaining_value[5], chaining_value[6], chaining_value[7]);
  for (std::size_t lane = 0; lane < count; lane++) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out[lane].data()), chaining_value[lane]);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out[lane].data() + 4), chaining_value[4 + lane]);
  }
}
#endif  // KMB_BLAKE3_HAVE_SSE2

}  // namespace

// The inputs of a compression not yet run: a chunk's last block or a parent node. Whether it
// becomes a chaining value or the root is known only when the caller decides.
struct Blake3::Output {
  Words input_chaining_value;
  std::array<std::uint8_t, blake3_block_size> block;
  std::uint64_t counter;
  std::uint32_t block_size;
  std::uint32_t flags;

  Words chaining_value() const {
    Words chaining_value = input_chaining_value;
    compress_in_place(chaining_value, block.data(), counter, block_size, flags);
    return chaining_value;
  }

  // Root output blocks are numbered by the counter, from 0, for as many bytes as `out` asks.
  void root_bytes(MutableByteSpan out) const {
    std::uint8_t output_block[2 * 32];
    std::uint64_t output_block_counter = 0;
    while (!out.empty()) {
      compress_extended(input_chaining_value, block.data(), output_block_counter, block_size, flags | flag_root,
                        output_block);
      const std::size_t take = std::min(out.size(), sizeof(output_block));
      std::memcpy(out.data(), output_block, take);
      out = out.subspan(take);
      output_block_counter++;
    }
  }

  static Output parent(const Words& left, const Words& right, const Words& key_words, std::uint32_t flags) {
    Output output;
    output.input_chaining_value = key_words;
    for (std::size_t i = 0; i < 8; i++) {
      store_le<std::uint32_t>(output.block.data() + 4 * i, left[i]);
      store_le<std::uint32_t>(output.block.data() + 32 + 4 * i, right[i]);
    }
    output.counter = 0;
    output.block_size = blake3_block_size;
    output.flags = flags | flag_parent;
    return output;
  }
};

Blake3::Blake3() : Blake3(iv, 0) {}

Blake3::Blake3(const Words& key_words, std::uint32_t flags)
    : key_words_(key_words), flags_(flags), chunk_chaining_value_(key_words) {}

Blake3 Blake3::keyed_hash(const Blake3Key& key) {
  return Blake3(words_from_key(key.data()), flag_keyed_hash);
}

Blake3 Blake3::derive_key(std::string_view context) {
  Blake3 context_hasher(iv, flag_derive_key_context);
  context_hasher.update(as_bytes(context));
  Blake3Digest context_key = context_hasher.finalize();
  Blake3 hasher(words_from_key(context_key.data()), flag_derive_key_material);
  secure_zero(MutableByteSpan(context_key));
  return hasher;
}

Blake3::~Blake3() {
  if (flags_ != 0) wipe();
}

void Blake3::wipe() {
  secure_zero(MutableByteSpan(reinterpret_cast<std::uint8_t*>(key_words_.data()), sizeof(key_words_)));
  secure_zero(
      MutableByteSpan(reinterpret_cast<std::uint8_t*>(chunk_chaining_value_.data()), sizeof(chunk_chaining_value_)));
  secure_zero(MutableByteSpan(block_));
  secure_zero(MutableByteSpan(reinterpret_cast<std::uint8_t*>(cv_stack_.data()), cv_stack_size_ * sizeof(Words)));
}

void Blake3::reset() {
  chunk_chaining_value_ = key_words_;
  chunk_counter_ = 0;
  if (flags_ != 0) secure_zero(MutableByteSpan(block_));
  block_size_ = 0;
  blocks_compressed_ = 0;
  if (flags_ != 0) {
    secure_zero(MutableByteSpan(reinterpret_cast<std::uint8_t*>(cv_stack_.data()), cv_stack_size_ * sizeof(Words)));
  }
  cv_stack_size_ = 0;
}

std::size_t Blake3::chunk_input_size() const {
  return blake3_block_size * blocks_compressed_ + block_size_;
}

std::uint32_t Blake3::chunk_start_flag() const {
  return blocks_compressed_ == 0 ? flag_chunk_start : 0;
}

// REQUIRES: size <= blake3_chunk_size - chunk_input_size().
// A block is compressed only once more input is known to follow it: the chunk's last block needs
// CHUNK_END (and maybe ROOT), which only finalize() or the next chunk can decide.
void Blake3::chunk_update(const std::uint8_t* in, std::size_t size) {
  KMB_ASSERT(size <= blake3_chunk_size - chunk_input_size());
  while (size > 0) {
    if (block_size_ == blake3_block_size) {
      compress_in_place(chunk_chaining_value_, block_.data(), chunk_counter_, blake3_block_size,
                        flags_ | chunk_start_flag());
      blocks_compressed_++;
      block_size_ = 0;
    }
    if (block_size_ == 0) {
      // Straight from the caller's buffer while a later byte proves this block is not the last.
      while (size > blake3_block_size) {
        compress_in_place(chunk_chaining_value_, in, chunk_counter_, blake3_block_size, flags_ | chunk_start_flag());
        blocks_compressed_++;
        in += blake3_block_size;
        size -= blake3_block_size;
      }
    }
    const std::size_t take = std::min(blake3_block_size - block_size_, size);
    std::memcpy(block_.data() + block_size_, in, take);
    block_size_ = static_cast<std::uint8_t>(block_size_ + take);
    in += take;
    size -= take;
  }
}

Blake3::Output Blake3::chunk_output() const {
  Output output;
  output.input_chaining_value = chunk_chaining_value_;
  std::memcpy(output.block.data(), block_.data(), block_size_);
  std::memset(output.block.data() + block_size_, 0, blake3_block_size - block_size_);
  output.counter = chunk_counter_;
  output.block_size = block_size_;
  output.flags = flags_ | chunk_start_flag() | flag_chunk_end;
  return output;
}

// Merges completed subtrees: after chunk number total_chunks - 1, the number of trailing zero bits
// of total_chunks is the number of subtrees that just became complete pairs.
void Blake3::push_chunk_chaining_value(Words chaining_value, std::uint64_t total_chunks) {
  while ((total_chunks & 1) == 0) {
    KMB_ASSERT(cv_stack_size_ > 0);
    cv_stack_size_--;
    chaining_value = Output::parent(cv_stack_[cv_stack_size_], chaining_value, key_words_, flags_).chaining_value();
    total_chunks >>= 1;
  }
  KMB_ASSERT(cv_stack_size_ < cv_stack_size_max);
  cv_stack_[cv_stack_size_] = chaining_value;
  cv_stack_size_++;
}

void Blake3::update(ByteSpan data) {
  const std::uint8_t* in = data.data();
  std::size_t size = data.size();
  while (size > 0) {
    if (chunk_input_size() == blake3_chunk_size) {
      // The chunk is full and more input follows, so it is not the root: finish it.
      const Words chaining_value = chunk_output().chaining_value();
      const std::uint64_t total_chunks = chunk_counter_ + 1;
      push_chunk_chaining_value(chaining_value, total_chunks);
      chunk_chaining_value_ = key_words_;
      chunk_counter_ = total_chunks;
      block_size_ = 0;
      blocks_compressed_ = 0;
    }
#if KMB_BLAKE3_HAVE_SSE2
    // At a chunk boundary, whole chunks with more input after them cannot be the root (nor the
    // chunk that finalize() needs), so they can be hashed side by side.
    const std::size_t parallel_chunks = std::min(parallel_chunk_count, (size - 1) / blake3_chunk_size);
    if (chunk_input_size() == 0 && parallel_chunks >= 2) {
      KMB_ASSERT(chunk_chaining_value_ == key_words_);
      std::array<Words, parallel_chunk_count> chaining_values;
      hash_chunks_in_lanes(in, parallel_chunks, key_words_, chunk_counter_, flags_, chaining_values);
      for (std::size_t i = 0; i < parallel_chunks; i++) {
        chunk_counter_++;
        push_chunk_chaining_value(chaining_values[i], chunk_counter_);
      }
      in += parallel_chunks * blake3_chunk_size;
      size -= parallel_chunks * blake3_chunk_size;
      continue;
    }
#endif
    const std::size_t take = std::min(blake3_chunk_size - chunk_input_size(), size);
    chunk_update(in, take);
    in += take;
    size -= take;
  }
}

void Blake3::finalize(MutableByteSpan out) const {
  Output output = chunk_output();
  for (std::size_t i = cv_stack_size_; i > 0; i--) {
    output = Output::parent(cv_stack_[i - 1], output.chaining_value(), key_words_, flags_);
  }
  output.root_bytes(out);
  if (flags_ != 0) secure_zero(MutableByteSpan(output.block));
}

Blake3Digest Blake3::finalize() const {
  Blake3Digest digest;
  finalize(MutableByteSpan(digest));
  return digest;
}

Blake3Digest blake3(ByteSpan data) {
  Blake3 hasher;
  hasher.update(data);
  return hasher.finalize();
}

Blake3Digest blake3_keyed_hash(const Blake3Key& key, ByteSpan data) {
  Blake3 hasher = Blake3::keyed_hash(key);
  hasher.update(data);
  return hasher.finalize();
}

void blake3_derive_key(std::string_view context, ByteSpan key_material, MutableByteSpan out) {
  Blake3 hasher = Blake3::derive_key(context);
  hasher.update(key_material);
  hasher.finalize(out);
}

}  // namespace kmb::crypto
