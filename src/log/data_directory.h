// Where tenants' partitions live inside a Kimberlite data directory:
//
//   DATA/tenants/<tenant id>/log/        one partition per tenant (partition.h)
//
// Thread-safety: pure functions over a Storage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "io/storage.h"

namespace kmb::log {

std::string partition_directory(const std::string& data_directory, std::uint64_t tenant_id);

struct PartitionLocation {
  std::uint64_t tenant_id = 0;
  std::string directory;
};

// The partitions of a data directory, by tenant id. If `path` is itself a partition directory (it
// holds a PARTITION file) the result is that one partition. Errors: not_found for a missing path,
// invalid_argument for a path that is neither.
Result<std::vector<PartitionLocation>> find_partitions(io::Storage& storage, const std::string& path);

}  // namespace kmb::log
