#include "server/stream_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

namespace kmb::server {

namespace {

// The append's statement text names its idempotency key after this marker (hex), so the key is
// part of the hash-chained record and the idempotency map can be rebuilt from the audit trail.
constexpr std::string_view idempotency_marker = " IDEMPOTENCY KEY ";
constexpr std::string_view append_statement_prefix = "APPEND ";

// Room for the message fields around the events and each event's length prefix.
constexpr std::uint64_t frame_overhead_bytes = 4'096;
constexpr std::uint64_t event_overhead_bytes = 16;

// The event-data budget of one response or push frame.
std::uint64_t data_budget_bytes(std::uint64_t requested_bytes, std::uint64_t count, std::uint32_t frame_max_bytes) {
  const std::uint64_t frame_room = frame_max_bytes > frame_overhead_bytes ? frame_max_bytes - frame_overhead_bytes : 0;
  const std::uint64_t overhead = count * event_overhead_bytes;
  const std::uint64_t room = frame_room > overhead ? frame_room - overhead : 0;
  return std::min(requested_bytes, room);
}

// The stream's event count as of `as_of` (the next offset); not_found if it did not exist then.
Result<std::uint64_t> stream_length(const projection::ReadView& view, std::string_view stream, kernel::Position as_of) {
  KMB_ASSIGN_OR_RETURN(projection::StreamSlice slice, view.read_stream(stream, as_of, 0, 0, 0));
  return slice.stream_length;
}

Status no_such_stream(std::string_view stream) {
  return not_found(fmt::format("stream {} does not exist", stream));
}

}  // namespace

StreamService::StreamService(StreamServiceOptions options) : options_(options) {
  KMB_ASSERT(options_.push_events_max > 0);
  KMB_ASSERT(options_.poll_interval_ms > 0);
  pusher_ = std::thread([this] { run_pusher(); });
}

StreamService::~StreamService() {
  shutdown();
}

void StreamService::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    std::vector<SubscriptionKey> keys;
    for (const auto& [key, subscription] : subscriptions_) keys.push_back(key);
    for (const SubscriptionKey& key : keys) close_subscription_locked(key, aborted("the server is shutting down"));
  }
  wake_.notify_all();
  if (pusher_.joinable()) pusher_.join();
}

// ---- create / append / read --------------------------------------------------------------------

Result<protocol::CreateStreamResponse> StreamService::create_stream(sql::Session& session,
                                                                    const protocol::CreateStream& request,
                                                                    const sql::AuditContext& audit) {
  bool existed = false;
  auto build = [&](const projection::ReadView& latest) -> Result<kernel::CommandRecord> {
    existed = latest.catalog().find_stream(request.stream) != nullptr;
    kernel::CommandRecord record;
    if (existed && request.if_not_exists) return record;  // nothing to write
    record.statement = "CREATE STREAM " + request.stream;
    record.commands.push_back(kernel::CreateStream{request.stream, request.if_not_exists});
    return record;
  };
  KMB_ASSIGN_OR_RETURN(sql::CommitResult committed, session.write(build, audit));
  return protocol::CreateStreamResponse{committed.position, !existed};
}

Result<protocol::AppendEventsResponse> StreamService::append_once(sql::Session& session,
                                                                  const protocol::AppendEvents& request,
                                                                  const sql::AuditContext& audit) {
  std::uint64_t first_offset = 0;
  auto build = [&](const projection::ReadView& latest) -> Result<kernel::CommandRecord> {
    const std::optional<kernel::Position> position = latest.position();
    if (!position.has_value()) return no_such_stream(request.stream);
    Result<std::uint64_t> length = stream_length(latest, request.stream, *position);
    if (!length.ok()) return no_such_stream(request.stream);
    // The kernel checks the expected offset too (as `aborted`); answering here makes the refusal
    // failed_precondition, which clients do not retry: the stream has moved on.
    if (request.expected_offset.has_value() && *request.expected_offset != *length) {
      return failed_precondition(
          fmt::format("stream {} is at offset {}, expected {}", request.stream, *length, *request.expected_offset));
    }
    first_offset = *length;
    kernel::CommandRecord record;
    record.statement = fmt::format("APPEND {} EVENTS TO {}", request.events.size(), request.stream);
    if (!request.idempotency_key.empty()) {
      record.statement += std::string(idempotency_marker) + to_hex(ByteSpan(request.idempotency_key));
    }
    record.commands.push_back(kernel::AppendEvents{request.stream, request.expected_offset, request.events});
    return record;
  };
  KMB_ASSIGN_OR_RETURN(sql::CommitResult committed, session.write(build, audit));
  return protocol::AppendEventsResponse{first_offset, request.events.size(), committed.position, false};
}

Result<protocol::AppendEventsResponse> StreamService::append(std::uint64_t tenant_id, sql::Session& session,
                                                             const protocol::AppendEvents& request,
                                                             const sql::AuditContext& audit) {
  if (request.events.empty()) return invalid_argument("an append needs at least one event");
  if (request.idempotency_key.empty()) {
    Result<protocol::AppendEventsResponse> response = append_once(session, request, audit);
    if (response.ok()) wake_pusher();
    return response;
  }

  const std::string key(request.idempotency_key.begin(), request.idempotency_key.end());
  std::shared_ptr<IdempotencyCache> cache = cache_for(tenant_id);
  {
    std::unique_lock lock(cache->mutex);
    if (!cache->loaded) KMB_TRY(load_cache_locked(*cache, session));
    // A concurrent attempt with this key decides for both: wait for its outcome.
    cache->settled.wait(lock, [&] { return !cache->in_flight.contains(key); });
    if (auto found = cache->responses.find(key); found != cache->responses.end()) {
      protocol::AppendEventsResponse duplicate = found->second;
      duplicate.duplicate = true;
      return duplicate;
    }
    cache->in_flight.insert(key);
  }
  Result<protocol::AppendEventsResponse> response = append_once(session, request, audit);
  {
    std::lock_guard lock(cache->mutex);
    cache->in_flight.erase(key);
    // Only a committed append is remembered: after a refusal, a retry may legitimately succeed.
    if (response.ok()) remember_locked(*cache, key, *response);
  }
  cache->settled.notify_all();
  if (response.ok()) wake_pusher();
  return response;
}

void StreamService::wake_pusher() {
  {
    std::lock_guard lock(mutex_);
    wake_requested_ = true;
  }
  wake_.notify_one();
}

std::shared_ptr<StreamService::IdempotencyCache> StreamService::cache_for(std::uint64_t tenant_id) {
  std::lock_guard lock(caches_mutex_);
  std::shared_ptr<IdempotencyCache>& cache = caches_[tenant_id];
  if (cache == nullptr) cache = std::make_shared<IdempotencyCache>();
  return cache;
}

void StreamService::remember_locked(IdempotencyCache& cache, const std::string& key,
                                    const protocol::AppendEventsResponse& response) {
  if (cache.responses.insert_or_assign(key, response).second) cache.order.push_back(key);
  while (cache.order.size() > options_.idempotency_keys_per_tenant_max) {
    cache.responses.erase(cache.order.front());
    cache.order.pop_front();
  }
}

// Rebuilds the map from the appends recorded in the audit trail (oldest first, so eviction keeps
// the newest keys). Runs once per tenant and server process, before the first keyed append.
Status StreamService::load_cache_locked(IdempotencyCache& cache, sql::Session& session) {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<projection::ReadView> view, session.read_view());
  const std::optional<kernel::Position> first = view->first_position();
  const std::optional<kernel::Position> last = view->position();
  if (first.has_value() && last.has_value()) {
    Status failed;
    KMB_TRY(view->scan_audit(*first, *last, [&](const projection::AuditEntry& entry) {
      if (entry.operation != "APPEND" || !entry.statement.starts_with(append_statement_prefix)) return true;
      const std::size_t marker = entry.statement.rfind(idempotency_marker);
      if (marker == std::string::npos) return true;
      const std::optional<Bytes> key =
          from_hex(std::string_view(entry.statement).substr(marker + idempotency_marker.size()));
      if (!key.has_value() || key->empty()) return true;
      // The stream's length just before this record is the append's first offset.
      Result<std::uint64_t> before = entry.position > *first ? stream_length(*view, entry.table, entry.position - 1)
                                                             : Result<std::uint64_t>(std::uint64_t{0});
      const std::uint64_t first_offset = before.ok() ? *before : 0;
      remember_locked(cache, std::string(key->begin(), key->end()),
                      protocol::AppendEventsResponse{first_offset, entry.row_count, entry.position, false});
      return true;
    }));
  }
  cache.loaded = true;
  return Status::ok_status();
}

Result<protocol::ReadEventsResponse> StreamService::read(sql::Session& session, const protocol::ReadEvents& request) {
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<projection::ReadView> view, session.read_view());
  const std::optional<kernel::Position> position = view->position();
  if (!position.has_value()) return no_such_stream(request.stream);
  const std::uint64_t count = std::min<std::uint64_t>(request.count_max, protocol::events_per_message_max);
  const std::uint64_t bytes = data_budget_bytes(request.bytes_max, count, options_.frame_body_size_max_bytes);
  Result<projection::StreamSlice> slice =
      view->read_stream(request.stream, *position, request.from_offset, count, bytes);
  if (!slice.ok() && slice.status().code() == StatusCode::not_found) return no_such_stream(request.stream);
  KMB_TRY(slice.status());
  protocol::ReadEventsResponse response;
  response.first_offset = request.from_offset;
  response.stream_length = slice->stream_length;
  for (projection::StreamEvent& event : slice->events) response.events.push_back(std::move(event.data));
  return response;
}

// ---- subscriptions -----------------------------------------------------------------------------

Result<protocol::SubscribeResponse> StreamService::subscribe(sql::Session& session, const protocol::Subscribe& request,
                                                             std::shared_ptr<PushTarget> target) {
  if (target == nullptr) return unsupported("subscriptions need a connection that accepts pushes");
  KMB_ASSIGN_OR_RETURN(std::unique_ptr<projection::ReadView> view, session.read_view());
  const std::optional<kernel::Position> position = view->position();
  if (!position.has_value()) return no_such_stream(request.stream);
  Result<std::uint64_t> length = stream_length(*view, request.stream, *position);
  if (!length.ok()) return no_such_stream(request.stream);
  view.reset();

  std::lock_guard lock(mutex_);
  if (stopping_) return aborted("the server is shutting down");
  std::size_t count = 0;
  for (const auto& [key, subscription] : subscriptions_) count += key.first == target->connection_id ? 1 : 0;
  if (count >= options_.subscriptions_per_connection_max) {
    return resource_exhausted(
        fmt::format("a connection may hold at most {} subscriptions", options_.subscriptions_per_connection_max));
  }
  const std::uint64_t id = next_subscription_id_++;
  const std::uint64_t connection_id = target->connection_id;
  subscriptions_.emplace(
      SubscriptionKey{connection_id, id},
      Subscription{&session, request.stream, request.from_offset, request.initial_credits, false, std::move(target)});
  return protocol::SubscribeResponse{id, *length};
}

void StreamService::activate(std::uint64_t connection_id, std::uint64_t subscription_id) {
  {
    std::lock_guard lock(mutex_);
    auto found = subscriptions_.find(SubscriptionKey{connection_id, subscription_id});
    if (found == subscriptions_.end()) return;
    found->second.active = true;
    wake_requested_ = true;
  }
  wake_.notify_one();
}

Result<protocol::SubscriptionCreditResponse> StreamService::grant(std::uint64_t connection_id,
                                                                  const protocol::SubscriptionCredit& request) {
  std::uint64_t available = 0;
  {
    std::lock_guard lock(mutex_);
    auto found = subscriptions_.find(SubscriptionKey{connection_id, request.subscription_id});
    if (found == subscriptions_.end()) {
      return not_found(fmt::format("no subscription {} on this connection", request.subscription_id));
    }
    found->second.credits += request.credits;
    available = found->second.credits;
    wake_requested_ = true;
  }
  wake_.notify_one();
  return protocol::SubscriptionCreditResponse{request.subscription_id, available};
}

Result<protocol::UnsubscribeResponse> StreamService::unsubscribe(std::uint64_t connection_id,
                                                                 const protocol::Unsubscribe& request) {
  std::lock_guard lock(mutex_);
  if (subscriptions_.erase(SubscriptionKey{connection_id, request.subscription_id}) == 0) {
    return not_found(fmt::format("no subscription {} on this connection", request.subscription_id));
  }
  return protocol::UnsubscribeResponse{request.subscription_id};
}

void StreamService::connection_closed(std::uint64_t connection_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(subscriptions_, [&](const auto& entry) { return entry.first.first == connection_id; });
}

void StreamService::close_subscription_locked(const SubscriptionKey& key, const Status& why) {
  auto found = subscriptions_.find(key);
  if (found == subscriptions_.end()) return;
  protocol::SubscriptionClosed closed{key.second, why.code(), why.message()};
  Result<Bytes> frame =
      protocol::encode_message_frame(protocol::Message(std::move(closed)), 0, options_.frame_body_size_max_bytes);
  if (frame.ok()) (void)found->second.target->push(std::move(frame).value());
  subscriptions_.erase(found);
}

void StreamService::run_pusher() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                   [&] { return stopping_ || wake_requested_; });
    if (stopping_) break;
    wake_requested_ = false;
    lock.unlock();
    // Keep going while there is more to push (a backlog larger than one frame).
    while (push_pass()) {
    }
    lock.lock();
  }
}

bool StreamService::push_pass() {
  std::vector<Work> work;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    for (const auto& [key, subscription] : subscriptions_) {
      if (!subscription.active || subscription.credits == 0) continue;
      work.push_back(
          Work{key, subscription.session, subscription.stream, subscription.next_offset, subscription.credits});
    }
  }
  // One read view per tenant and pass, however many subscriptions the tenant has.
  std::sort(work.begin(), work.end(),
            [](const Work& a, const Work& b) { return std::less<sql::Session*>()(a.session, b.session); });
  bool pushed_any = false;
  for (std::size_t group = 0; group < work.size();) {
    std::size_t end = group;
    while (end < work.size() && work[end].session == work[group].session) end++;
    // The view holds the tenant's projections (a shared lock), never this service's mutex, and is
    // released before the next tenant's.
    Result<std::unique_ptr<projection::ReadView>> view = work[group].session->read_view();
    for (std::size_t i = group; i < end; i++) pushed_any |= push_one(work[i], view);
    group = end;
  }
  return pushed_any;
}

bool StreamService::push_one(const Work& item, const Result<std::unique_ptr<projection::ReadView>>& view) {
  Result<projection::StreamSlice> slice = [&]() -> Result<projection::StreamSlice> {
    KMB_TRY(view.status());
    const std::optional<kernel::Position> position = (*view)->position();
    if (!position.has_value()) return no_such_stream(item.stream);
    const std::uint64_t count = std::min<std::uint64_t>(item.credits, options_.push_events_max);
    return (*view)->read_stream(item.stream, *position, item.next_offset, count,
                                data_budget_bytes(options_.push_bytes_max, count, options_.frame_body_size_max_bytes));
  }();
  std::lock_guard lock(mutex_);
  auto found = subscriptions_.find(item.key);
  // Unsubscribed, or changed by another pass meanwhile: this read is stale.
  if (found == subscriptions_.end() || found->second.next_offset != item.next_offset) return false;
  if (!slice.ok()) {
    close_subscription_locked(item.key, slice.status());
    return false;
  }
  if (slice->events.empty()) return false;
  KMB_ASSERT(slice->events.size() <= found->second.credits);  // credits only grow meanwhile
  protocol::SubscriptionEvents events{item.key.second, item.next_offset, {}};
  for (projection::StreamEvent& event : slice->events) events.events.push_back(std::move(event.data));
  const std::uint64_t count = events.events.size();
  Result<Bytes> frame =
      protocol::encode_message_frame(protocol::Message(std::move(events)), 0, options_.frame_body_size_max_bytes);
  if (!frame.ok()) {
    close_subscription_locked(item.key, frame.status());
    return false;
  }
  if (!found->second.target->push(std::move(frame).value())) {
    subscriptions_.erase(found);  // the connection is gone
    return false;
  }
  found->second.next_offset += count;
  found->second.credits -= count;
  return true;
}

}  // namespace kmb::server
