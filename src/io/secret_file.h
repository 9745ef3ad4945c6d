// Secret files and the process environment: the two places a master key can come from.
//
// A secret file (a master key file) must be readable by its owner only. write_private_file()
// creates it with mode 0600 (never replacing an existing file, so a key is never overwritten by
// accident); read_private_file() refuses a file whose permissions let the group or others read or
// write it, the way ssh refuses a loose private key.
//
// Thread-safety: the functions hold no state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace kmb::io {

// Refuse to read anything larger: a key file is a few dozen bytes.
inline constexpr std::size_t private_file_size_max_bytes = 64 * 1024;

// Creates `path` with mode 0600, writes `content`, fsyncs the file and its directory.
// Errors: already_exists if the file is there (nothing is changed); I/O errors.
Status write_private_file(std::string_view path, ByteSpan content);

// Reads a whole private file. Errors: not_found; failed_precondition if its mode grants any
// permission to group or others (the message says how to fix it); resource_exhausted if larger
// than private_file_size_max_bytes; I/O errors.
Result<Bytes> read_private_file(std::string_view path);

// The value of an environment variable, or nullopt when it is not set.
std::optional<std::string> environment_variable(std::string_view name);

}  // namespace kmb::io
