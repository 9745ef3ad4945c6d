// Helpers shared by the log tests: deterministic payloads and a scratch directory on disk.
#pragma once

#include <stdlib.h>  // mkdtemp

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "log/format.h"

namespace kmb::log::testing {

// The payload of record `offset` in scripted workloads: its size and bytes depend on the offset.
inline Bytes payload_for(std::uint64_t offset, std::size_t size_max = 700) {
  std::size_t size = 1 + (offset * 7919) % size_max;
  Bytes bytes(size);
  for (std::size_t i = 0; i < size; i++) bytes[i] = static_cast<std::uint8_t>(offset * 31 + i * 7);
  return bytes;
}

// Owns RecordInputs pointing into owned payloads.
struct Batch {
  std::vector<Bytes> payloads;
  std::vector<std::string> reasons;
  std::vector<RecordInput> inputs;

  static Batch for_offsets(std::uint64_t first, std::uint64_t count, std::size_t size_max = 700) {
    Batch batch;
    batch.payloads.reserve(count);
    batch.reasons.reserve(count);
    for (std::uint64_t i = 0; i < count; i++) {
      batch.payloads.push_back(payload_for(first + i, size_max));
      batch.reasons.push_back((first + i) % 3 == 0 ? "" : "reason " + std::to_string(first + i));
    }
    for (std::uint64_t i = 0; i < count; i++) {
      RecordInput input;
      input.kind = (first + i) % 2 == 0 ? RecordKind::event : RecordKind::command;
      input.client_id = 1000 + first + i;
      input.request_id = 2000 + first + i;
      input.reason = batch.reasons[i];
      input.payload = batch.payloads[i];
      batch.inputs.push_back(input);
    }
    return batch;
  }
};

// A fresh directory under the system temp dir, removed at destruction.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kmb-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace kmb::log::testing
