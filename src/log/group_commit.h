// GroupCommitter: lets many threads append to one Partition and share fdatasync calls.
//
// Each append() call is one atomic batch and returns only when that batch is durable (or failed).
// Callers queue up; the caller at the front becomes the leader: it optionally waits up to
// `wait_max_us` for more batches to arrive, takes queued batches up to `group_size_max_bytes`,
// writes them one after another and issues a single sync for all of them, then wakes their
// callers with their offsets. While one group syncs, the next group forms behind it — so the
// number of syncs per second stays bounded by the disk while throughput grows with concurrency.
// (The writer-queue design follows leveldb's DBImpl::Write.)
//
// Timestamps come from the Clock, chosen by the committer when the group is written, never by
// callers; they never go backwards within a partition.
//
// Back-pressure: at most `queue_depth_max` callers wait; more block until there is room.
// If a write or sync fails, every batch of the group gets the error (none of them is acknowledged)
// and the Partition is poisoned (see partition.h), so later appends fail fast.
//
// Durability callbacks (on_durable): a caller that must not block a thread per write (the server
// acknowledges a client from a callback) registers a callback for an offset instead of waiting.
// A flusher thread owned by the committer, started on demand (and exiting when idle for
// flusher_idle_exit_ms), syncs whenever callbacks are pending and runs each once the sync covering
// it is done. It takes part in the same one-sync-
// at-a-time protocol as wait_durable(), so one fdatasync by anybody releases both kinds of
// waiter; a sync that starts while another runs covers everything written meanwhile, so callbacks
// registered during a sync are batched into the next one.
//
// Thread-safety: all methods are thread-safe. Reads see durable records only.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "io/clock.h"
#include "log/partition.h"

namespace kmb::log {

struct GroupCommitOptions {
  std::uint64_t group_size_max_bytes = 8ULL << 20;
  std::uint32_t wait_max_us = 0;  // How long a leader waits for followers; 0 = never wait.
  std::uint32_t queue_depth_max = 4096;
  // The flusher thread (on_durable) exits after this long without callbacks and is started again
  // by the next one, so that a server with many quiet tenants does not keep a thread for each.
  std::uint32_t flusher_idle_exit_ms = 1000;
};

struct GroupCommitStats {
  std::uint64_t batches = 0;
  std::uint64_t records = 0;
  std::uint64_t syncs = 0;
  std::uint64_t flusher_starts = 0;  // Times the on_durable flusher thread was started.
};

class GroupCommitter {
 public:
  GroupCommitter(std::unique_ptr<Partition> partition, io::Clock& clock, const GroupCommitOptions& options = {});
  // Runs every pending on_durable callback first (after a final sync, or with its error), then
  // stops the flusher. REQUIRES: no other thread still calls into the committer.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Appends one atomic batch; returns after it is durable.
  Result<AppendResult> append(std::span<const RecordInput> batch);

  // The pipelined form, for callers that must order their writes under a lock of their own (the
  // database's commit path) yet share syncs: write() appends a batch now, in call order, without
  // waiting; wait_durable(end) returns once every offset below `end` is durable, sharing one
  // fdatasync with every other waiter. A sync failure is returned to every waiter it covers.
  Result<AppendResult> write(std::span<const RecordInput> batch);
  // The same with a timestamp chosen by the caller (still never earlier than the last one).
  Result<AppendResult> write(std::span<const RecordInput> batch, std::uint64_t timestamp_ns);
  Status wait_durable(std::uint64_t end_offset);
  // The non-blocking form of wait_durable(): `done` runs exactly once with what wait_durable would
  // have returned — inline, before on_durable returns, when every offset below `end_offset` is
  // already durable (OK) or can never be (a poisoned partition, an offset past the written end);
  // otherwise on the flusher thread, after the sync covering `end_offset` (OK) or with the error
  // of the sync that failed. No lock of the committer is held while `done` runs, but the flusher
  // runs callbacks one after another and syncs nothing meanwhile: `done` must be short (post
  // the real work elsewhere), must not throw, and must not destroy the committer.
  // The number of pending callbacks is bounded by the caller (the server bounds the requests in
  // flight); each costs a few words until its sync.
  void on_durable(std::uint64_t end_offset, std::function<void(Status)> done);

  // The partition's write frontier: the next offset, the chain hash of the last written record and
  // its timestamp. Stable while the caller holds whatever lock orders its writes.
  std::uint64_t next_offset();
  ChainHash last_hash();
  std::uint64_t last_timestamp_ns();
  std::uint64_t size_bytes();

  Result<Record> read(std::uint64_t offset);
  Result<std::vector<Record>> read_range(std::uint64_t from, std::uint64_t to,
                                         std::uint64_t size_max_bytes = 16ULL << 20);
  std::uint64_t durable_offset();
  GroupCommitStats stats();

 private:
  struct Writer {
    std::span<const RecordInput> batch;
    Result<AppendResult> result = internal_error("not yet committed");
    bool done = false;
    std::condition_variable ready;
  };

  struct DurabilityCallback {
    std::uint64_t end_offset = 0;
    std::function<void(Status)> done;
  };

  void commit_group(std::unique_lock<std::mutex>& queue_lock, Writer& leader);
  // The flusher thread: syncs while callbacks are pending, runs them, exits once stopping_ is set
  // and none is left.
  void flush_callbacks();

  std::unique_ptr<Partition> partition_;
  io::Clock& clock_;
  GroupCommitOptions options_;

  std::mutex queue_mutex_;             // Guards queue_ and stats_.
  std::condition_variable queue_room_; // Signalled when the queue shrinks.
  std::deque<Writer*> queue_;
  GroupCommitStats stats_;

  std::mutex partition_mutex_;  // Guards partition_ (never held during an fdatasync).

  std::mutex sync_mutex_;  // Guards syncing_.
  std::condition_variable sync_done_;
  bool syncing_ = false;   // One thread at a time runs the fdatasync; the others wait for it.

  // Guards callbacks_, stopping_ and flusher_. Never held during a sync or while a callback runs.
  std::mutex callbacks_mutex_;
  std::condition_variable callbacks_added_;
  std::vector<DurabilityCallback> callbacks_;  // Pending, in registration order.
  bool stopping_ = false;                      // Set by the destructor; on_durable is then a bug.
  bool flusher_running_ = false;               // Cleared by the flusher as it exits when idle.
  std::thread flusher_;                        // Started by a callback that finds none running.
};

}  // namespace kmb::log
