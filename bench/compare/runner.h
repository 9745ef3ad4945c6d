// Runner: measures one workload against one Peer — N threads, each with its own Session, calling
// one operation in a loop for a fixed time — and summarises repeated runs as median, min and max.
//
// Thread-safety: run_timed() starts and joins its own threads; the Peer must not be used by
// anyone else meanwhile.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "peer.h"
#include "io/prng.h"

namespace kmb::bench {

// One operation of a workload: `prng` is the calling thread's own; returns how many items (rows,
// reads) it completed.
using Operation = std::function<Result<std::int64_t>(Session& session, io::Prng& prng)>;

// Runs `operation` on every session concurrently (one thread each) for `seconds`; returns items
// per second over the whole run. The sessions are connected before, so connecting is not measured.
Result<double> run_timed(std::vector<std::unique_ptr<Session>>& sessions, double seconds, const Operation& operation);

struct Summary {
  double median = 0;
  double min = 0;
  double max = 0;
};

// REQUIRES: !samples.empty().
Summary summarize(std::vector<double> samples);

}  // namespace kmb::bench
