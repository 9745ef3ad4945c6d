// The names both public headers share (kimberlite.h for the embedded database, client.h for the
// network client): results, errors and values, in namespace kimberlite.
#pragma once

#include "base/bytes.h"
#include "base/status.h"
#include "kernel/value.h"

namespace kimberlite {

using Status = kmb::Status;
using StatusCode = kmb::StatusCode;
template <typename T>
using Result = kmb::Result<T>;

using Value = kmb::kernel::Value;
using Type = kmb::kernel::Type;
using Row = kmb::kernel::Row;
using Bytes = kmb::Bytes;

}  // namespace kimberlite
