#include "log/group_commit.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

namespace kmb::log {

GroupCommitter::GroupCommitter(std::unique_ptr<Partition> partition, io::Clock& clock,
                               const GroupCommitOptions& options)
    : partition_(std::move(partition)), clock_(clock), options_(options) {
  KMB_ASSERT(partition_ != nullptr);
  KMB_ASSERT(options_.queue_depth_max > 0);
  KMB_ASSERT(options_.flusher_idle_exit_ms > 0);
}

GroupCommitter::~GroupCommitter() {
  std::thread flusher;
  {
    std::lock_guard<std::mutex> lock(callbacks_mutex_);
    stopping_ = true;
    flusher = std::move(flusher_);
  }
  callbacks_added_.notify_all();
  // The flusher drains every pending callback (sync, or fail) before it exits.
  if (flusher.joinable()) flusher.join();
  std::lock_guard<std::mutex> lock(callbacks_mutex_);
  KMB_ASSERT(callbacks_.empty());
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
    std::vector<std::span<const RecordInput>> batches;
    batches.reserve(group.size());
    for (Writer* writer : group) batches.push_back(writer->batch);
    std::vector<Result<AppendResult>> results = partition_->write_many(batches, clock_.realtime_ns());
    for (std::size_t i = 0; i < group.size(); i++) {
      group[i]->result = std::move(results[i]);
      if (group[i]->result.ok()) {
        any_written = true;
        records += group[i]->batch.size();
      }
    }
  }
  if (any_written) {
    std::uint64_t end = 0;
    for (Writer* writer : group) {
      if (writer->result.ok()) end = std::max(end, writer->result->first_offset + writer->result->record_count);
    }
    Status synced = wait_durable(end);
    if (!synced.ok()) {
      for (Writer* writer : group) {
        if (writer->result.ok()) writer->result = synced;
      }
    }
  }

  queue_lock.lock();
  stats_.batches += group.size();
  stats_.records += records;
  for (Writer* writer : group) {
    KMB_ASSERT(queue_.front() == writer);
    queue_.pop_front();
    writer->done = true;
    if (writer != &leader) writer->ready.notify_one();
  }
  if (!queue_.empty()) queue_.front()->ready.notify_one();
  queue_room_.notify_all();
}

Result<AppendResult> GroupCommitter::write(std::span<const RecordInput> batch) {
  return write(batch, clock_.realtime_ns());
}

std::uint64_t GroupCommitter::next_offset() {
  std::lock_guard<std::mutex> lock(partition_mutex_);
  return partition_->next_offset();
}

ChainHash GroupCommitter::last_hash() {
  std::lock_guard<std::mutex> lock(partition_mutex_);
  return partition_->last_hash();
}

std::uint64_t GroupCommitter::last_timestamp_ns() {
  std::lock_guard<std::mutex> lock(partition_mutex_);
  return partition_->last_timestamp_ns();
}

std::uint64_t GroupCommitter::size_bytes() {
  std::lock_guard<std::mutex> lock(partition_mutex_);
  return partition_->size_bytes();
}

Result<AppendResult> GroupCommitter::write(std::span<const RecordInput> batch, std::uint64_t timestamp_ns) {
  std::lock_guard<std::mutex> partition_lock(partition_mutex_);
  Result<AppendResult> result = partition_->write(batch, timestamp_ns);
  if (result.ok()) {
    std::lock_guard<std::mutex> queue_lock(queue_mutex_);
    stats_.batches++;
    stats_.records += batch.size();
  }
  return result;
}

Status GroupCommitter::wait_durable(std::uint64_t end_offset) {
  std::unique_lock<std::mutex> sync_lock(sync_mutex_);
  for (;;) {
    {
      std::lock_guard<std::mutex> partition_lock(partition_mutex_);
      if (partition_->durable_offset() >= end_offset) return Status();
      if (end_offset > partition_->next_offset()) {
        return invalid_argument("wait_durable(" + std::to_string(end_offset) + ") is past the written end " +
                                std::to_string(partition_->next_offset()));
      }
      if (partition_->poisoned()) {
        return partition_->begin_sync().status();  // Names the error that poisoned it.
      }
    }
    if (!syncing_) break;
    sync_done_.wait(sync_lock);
  }
  syncing_ = true;
  sync_lock.unlock();
  Status status;
  Result<Partition::SyncTicket> ticket = [&] {
    std::lock_guard<std::mutex> partition_lock(partition_mutex_);
    return partition_->begin_sync();
  }();
  if (!ticket.ok()) {
    status = ticket.status();
  } else if (ticket->file != nullptr) {
    Status outcome = ticket->file->sync();  // The slow part, with no lock held.
    std::lock_guard<std::mutex> partition_lock(partition_mutex_);
    status = partition_->finish_sync(*ticket, outcome);
  }
  sync_lock.lock();
  syncing_ = false;
  if (status.ok()) {
    std::lock_guard<std::mutex> queue_lock(queue_mutex_);
    stats_.syncs++;
  }
  sync_done_.notify_all();
  sync_lock.unlock();
  if (!status.ok()) return status;
  // Our ticket covered everything written before we began, which includes end_offset unless the
  // caller asked about offsets written after; loop in that (rare) case.
  return wait_durable(end_offset);
}

void GroupCommitter::on_durable(std::uint64_t end_offset, std::function<void(Status)> done) {
  KMB_ASSERT(done != nullptr);
  std::optional<Status> settled;  // Set when the outcome is known now.
  {
    std::lock_guard<std::mutex> partition_lock(partition_mutex_);
    if (partition_->durable_offset() >= end_offset) {
      settled = Status();
    } else if (end_offset > partition_->next_offset()) {
      settled = invalid_argument("on_durable(" + std::to_string(end_offset) + ") is past the written end " +
                                 std::to_string(partition_->next_offset()));
    } else if (partition_->poisoned()) {
      settled = partition_->begin_sync().status();  // Names the error that poisoned it.
    }
  }
  if (settled.has_value()) {
    done(*settled);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(callbacks_mutex_);
    KMB_ASSERT(!stopping_);
    if (!flusher_running_) {
      // An idle flusher that exited has released callbacks_mutex_ for the last time: joining it
      // here cannot wait for this thread.
      if (flusher_.joinable()) flusher_.join();
      flusher_running_ = true;
      flusher_ = std::thread([this] { flush_callbacks(); });
      std::lock_guard<std::mutex> queue_lock(queue_mutex_);
      stats_.flusher_starts++;
    }
    callbacks_.push_back(DurabilityCallback{end_offset, std::move(done)});
  }
  callbacks_added_.notify_one();
}

void GroupCommitter::flush_callbacks() {
  std::unique_lock<std::mutex> lock(callbacks_mutex_);
  for (;;) {
    const bool woken = callbacks_added_.wait_for(lock, std::chrono::milliseconds(options_.flusher_idle_exit_ms),
                                                 [&] { return stopping_ || !callbacks_.empty(); });
    if (callbacks_.empty()) {
      // Stopping, or idle for long: nothing is left to answer. The next callback starts a new one.
      KMB_ASSERT(stopping_ || !woken);
      flusher_running_ = false;
      return;
    }
    std::uint64_t end = 0;
    for (const DurabilityCallback& callback : callbacks_) end = std::max(end, callback.end_offset);
    lock.unlock();
    // Shares the sync protocol with synchronous waiters: if one of them is syncing already, this
    // waits for it and syncs again only if its sync did not cover `end`.
    const Status synced = wait_durable(end);
    const std::uint64_t durable = durable_offset();
    lock.lock();
    std::vector<DurabilityCallback> succeeded;
    std::vector<DurabilityCallback> failed;
    std::vector<DurabilityCallback> waiting;
    for (DurabilityCallback& callback : callbacks_) {
      if (callback.end_offset <= durable) {
        succeeded.push_back(std::move(callback));
      } else if (!synced.ok()) {
        // A failed sync poisons the partition: nothing past `durable` can become durable now.
        failed.push_back(std::move(callback));
      } else {
        waiting.push_back(std::move(callback));  // Registered after this sync began.
      }
    }
    callbacks_ = std::move(waiting);
    lock.unlock();
    // Acknowledge in log order, whatever order the callers registered in.
    std::stable_sort(succeeded.begin(), succeeded.end(), [](const DurabilityCallback& a, const DurabilityCallback& b) {
      return a.end_offset < b.end_offset;
    });
    for (DurabilityCallback& callback : succeeded) callback.done(Status());
    for (DurabilityCallback& callback : failed) callback.done(synced);
    lock.lock();
  }
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
