#include "projection/stream_log.h"

namespace kmb::projection {

namespace {
const std::vector<StoredEvent> no_events;
}  // namespace

std::vector<StoredEvent>& StreamLog::mutable_events(std::uint32_t stream_id) {
  KMB_ASSERT(stream_id > 0);
  if (streams_.size() < stream_id) streams_.resize(stream_id);
  return streams_[stream_id - 1];
}

void StreamLog::append(std::uint32_t stream_id, std::uint64_t first_offset, const std::vector<Bytes>& events,
                       Position position) {
  std::vector<StoredEvent>& stream = mutable_events(stream_id);
  KMB_ASSERT(stream.size() == first_offset);
  for (const Bytes& event : events) stream.push_back(StoredEvent{position, event});
}

void StreamLog::append_event(std::uint32_t stream_id, StoredEvent event) {
  mutable_events(stream_id).push_back(std::move(event));
}

const std::vector<StoredEvent>& StreamLog::events(std::uint32_t stream_id) const {
  if (stream_id == 0 || stream_id > streams_.size()) return no_events;
  return streams_[stream_id - 1];
}

}  // namespace kmb::projection
