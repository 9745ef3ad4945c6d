#include "log/data_directory.h"

#include <algorithm>
#include <charconv>

#include "log/format.h"

namespace kmb::log {

std::string partition_directory(const std::string& data_directory, std::uint64_t tenant_id) {
  return io::join_path(io::join_path(io::join_path(data_directory, "tenants"), std::to_string(tenant_id)), "log");
}

Result<std::vector<PartitionLocation>> find_partitions(io::Storage& storage, const std::string& path) {
  KMB_ASSIGN_OR_RETURN(bool exists, storage.exists(path));
  if (!exists) return not_found(path + " does not exist");
  KMB_ASSIGN_OR_RETURN(bool is_directory, storage.is_directory(path));
  if (!is_directory) return invalid_argument(path + " is not a directory");
  std::vector<PartitionLocation> found;
  KMB_ASSIGN_OR_RETURN(bool is_partition, storage.exists(io::join_path(path, manifest_file_name)));
  if (is_partition) {
    KMB_ASSIGN_OR_RETURN(Bytes bytes, io::read_whole_file(storage, io::join_path(path, manifest_file_name)));
    Result<Manifest> manifest = decode_manifest(bytes);
    if (!manifest.ok()) return manifest.status().with_context(io::join_path(path, manifest_file_name));
    found.push_back(PartitionLocation{manifest->tenant_id, path});
    return found;
  }
  const std::string tenants = io::join_path(path, "tenants");
  KMB_ASSIGN_OR_RETURN(bool has_tenants, storage.exists(tenants));
  if (!has_tenants) {
    return invalid_argument(path + " is not a Kimberlite data directory (no tenants/ folder) nor a log partition (no PARTITION file)");
  }
  KMB_ASSIGN_OR_RETURN(std::vector<std::string> names, storage.list_directory(tenants));
  for (const std::string& name : names) {
    std::uint64_t tenant_id = 0;
    auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), tenant_id);
    if (error != std::errc() || end != name.data() + name.size()) continue;
    const std::string directory = partition_directory(path, tenant_id);
    KMB_ASSIGN_OR_RETURN(bool has_log, storage.exists(directory));
    if (has_log) found.push_back(PartitionLocation{tenant_id, directory});
  }
  std::sort(found.begin(), found.end(),
            [](const PartitionLocation& a, const PartitionLocation& b) { return a.tenant_id < b.tenant_id; });
  return found;
}

}  // namespace kmb::log
