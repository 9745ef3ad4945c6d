#include "log/group_commit.h"

#include <chrono>
#include <vector>

namespace kmb::log {

GroupCommitter::GroupCommitter(std::unique_ptr<Partition> partition, io::Clock& clock,
                               const GroupCommitOptions& options)
    : partition_(std::move(partition)), clock_(clock), options_(options) {
  KMB_ASSERT(partition_ != nullptr);
  KMB_ASSERT(options_.queue_depth_max > 0);
}

Result<AppendResult> GroupCommitter::append(std::span<const RecordInput> batch) {
  Writer writer;
  writer.batch = batch;
  std::unique_lock<std::mutex> lock(queue_mutex_);
  queue_room_.wait(lock, [&] { return queue_.size() < options_.queue_depth_max; });
  queue_.push_back(&writer);
  writer.ready.wait(lock, [&] { return writer.done || queue_.front() == &writer; });
  if (writer.done) return std::move(writer.result);
  commit_group(lock, writer);
  return std::move(writer.result);
}

void GroupCommitter::commit_group(std::unique_lock<std::mutex>& queue_lock, Writer& leader) {
  KMB_ASSERT(queue_.front() == &leader);
  if (options_.wait_max_us > 0 && queue_.size() < options_.queue_depth_max) {
    // Give concurrent callers a moment to join this group; bounded by wait_max_us.
    leader.ready.wait_for(queue_lock, std::chrono::microseconds(options_.wait_max_us));
  }
  // Form the group: the leader and the batches behind it, up to the byte budget.
  std::vector<Writer*> group;
  std::uint64_t group_bytes = 0;
  for (Writer* writer : queue_) {
    std::uint64_t bytes = 0;
    for (const RecordInput& input : writer->batch) {
      bytes += record_overhead_size + input.reason.size() + input.payload.size();
    }
    if (!group.empty() && group_bytes + bytes > options_.group_size_max_bytes) break;
    group.push_back(writer);
    group_bytes += bytes;
  }
  queue_lock.unlock();

  std::uint64_t records = 0;
  bool any_written = false;
  {
    std::lock_guard<std::mutex> partition_lock(partition_mutex_);
    const std::uint64_t timestamp = clock_.realtime_ns();
    for (Writer* writer : group) {
      writer->result = partition_->write(writer->batch, timestamp);
      if (writer->result.ok()) {
        any_written = true;
        records += writer->batch.size();
      }
    }
    if (any_written) {
      Status synced = partition_->sync();
      if (!synced.ok()) {
        for (Writer* writer : group) {
          if (writer->result.ok()) writer->result = synced;
        }
      }
    }
  }

  queue_lock.lock();
  stats_.batches += group.size();
  stats_.records += records;
  if (any_written) stats_.syncs++;
  for (Writer* writer : group) {
    KMB_ASSERT(queue_.front() == writer);
    queue_.pop_front();
    writer->done = true;
    if (writer != &leader) writer->ready.notify_one();
  }
  if (!queue_.empty()) queue_.front()->ready.notify_one();
  queue_room_.notify_all();
}

Result<Record> GroupCommitter::read(std::uint64_t offset) {
  std::lock_guard<std::mutex> lock(partition_mutex_);
  return partition_->read(offset);
}

Result<std::vector<Record>> GroupCommitter::read_range(std::uint64_t from, std::uint64_t to,
                                                       std::uint64_t size_max_bytes) {
  std::lock_guard<std::mutex> lock(partition_mutex_);
  return partition_->read_range(from, to, size_max_bytes);
}

std::uint64_t GroupCommitter::durable_offset() {
  std::lock_guard<std::mutex> lock(partition_mutex_);
  return partition_->durable_offset();
}

GroupCommitStats GroupCommitter::stats() {
  std::lock_guard<std::mutex> lock(queue_mutex_);
  return stats_;
}

}  // namespace kmb::log
