// Micro-benchmarks of the crypto layer: the hashes that sit on the log's hot path (SHA-256 chain,
// CRC32C record checksum, BLAKE3 as a candidate internal checksum) and AES-256-GCM record sealing.
// Run: kimberlite-microbench --benchmark_filter='Sha256|Blake3|Crc32c|Aes256Gcm'
#include <benchmark/benchmark.h>

#include <cstdint>

#include "base/assert.h"
#include "base/bytes.h"
#include "crypto/aead.h"
#include "crypto/blake3.h"
#include "crypto/crc32c.h"
#include "crypto/sha256.h"

// `for (auto _ : state)` is Google Benchmark's loop idiom; the analyzer sees `_` as a dead store.
// NOLINTBEGIN(clang-analyzer-deadcode.DeadStores)
namespace kmb::crypto {
namespace {

Bytes bench_input(std::size_t size) {
  Bytes data(size);
  for (std::size_t i = 0; i < size; i++) data[i] = static_cast<std::uint8_t>(i * 131 + 17);
  return data;
}

void hash_sizes(benchmark::internal::Benchmark* benchmark) {
  for (std::int64_t size : {64, 100, 256, 1024, 4096, 65536}) benchmark->Arg(size);
}

void BM_Sha256(benchmark::State& state) {
  const Bytes data = bench_input(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(sha256(data));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256)->Apply(hash_sizes);

// The reusable hasher, as the log verifier uses it: one Sha256 object for many records.
void BM_Sha256Incremental(benchmark::State& state) {
  const Bytes data = bench_input(static_cast<std::size_t>(state.range(0)));
  Sha256 hasher;
  for (auto _ : state) {
    hasher.update(data);
    benchmark::DoNotOptimize(hasher.finish());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256Incremental)->Apply(hash_sizes);

void BM_Blake3(benchmark::State& state) {
  const Bytes data = bench_input(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(blake3(data));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Blake3)->Apply(hash_sizes);

// What log verification pays per 1 KiB record: the CRC32C of the record and its chain hash.
void BM_Sha256PlusCrc32c(benchmark::State& state) {
  const Bytes data = bench_input(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(crc32c(data));
    benchmark::DoNotOptimize(sha256(data));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256PlusCrc32c)->Arg(1024);

void BM_Crc32cHardware(benchmark::State& state) {
  if (!crc32c_hardware_available()) {
    state.SkipWithError("no SSE4.2");
    return;
  }
  const Bytes data = bench_input(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(crc32c_extend_hardware(0, data));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Crc32cHardware)->Arg(1024)->Arg(65536);

void BM_Crc32cPortable(benchmark::State& state) {
  const Bytes data = bench_input(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(crc32c_extend_portable(0, data));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Crc32cPortable)->Arg(1024)->Arg(65536);

void BM_Aes256GcmSeal(benchmark::State& state) {
  const Bytes data = bench_input(static_cast<std::size_t>(state.range(0)));
  const Bytes key_bytes = bench_input(aes256_key_size);
  Result<Aes256Key> key = Aes256Key::from_bytes(key_bytes);
  KMB_ASSERT(key.ok());
  const Aes256GcmNonce nonce{};  // A fixed nonce is fine for timing, never for real data.
  const Bytes aad = bench_input(64);
  for (auto _ : state) {
    Result<Bytes> sealed = aes256_gcm_seal(*key, nonce, data, aad);
    benchmark::DoNotOptimize(sealed);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Aes256GcmSeal)->Arg(1024);

}  // namespace
}  // namespace kmb::crypto
// NOLINTEND(clang-analyzer-deadcode.DeadStores)
