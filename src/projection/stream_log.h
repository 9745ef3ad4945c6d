// StreamLog: the events of every stream, by stream id, each with the log position that appended it.
// A stream's offset of an event is its index in the stream.
//
// Thread-safety: none (owned by the Store).
#pragma once

#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "projection/read_view.h"

namespace kmb::projection {

struct StoredEvent {
  Position position = 0;
  Bytes data;
};

class StreamLog {
 public:
  // REQUIRES: first_offset equals the stream's current event count.
  void append(std::uint32_t stream_id, std::uint64_t first_offset, const std::vector<Bytes>& events, Position position);
  // Adds a stream's events in order (loading a snapshot).
  void append_event(std::uint32_t stream_id, StoredEvent event);
  // The stream's events (empty for a stream without any).
  const std::vector<StoredEvent>& events(std::uint32_t stream_id) const;
  std::size_t stream_count() const { return streams_.size(); }

 private:
  std::vector<StoredEvent>& mutable_events(std::uint32_t stream_id);

  std::vector<std::vector<StoredEvent>> streams_;  // index = stream id - 1
};

}  // namespace kmb::projection
