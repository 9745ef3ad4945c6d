// The projection's central property: State = Apply(InitialState, Log). For random command sequences
// applied incrementally to one Store, the view AS OF every position p answers exactly like a Store
// that applied only the records up to p, read at its newest position; and at every step the Store's
// newest state equals a straightforward reference model's, with the same records accepted and
// rejected (a rejected record changes nothing).
#include <gtest/gtest.h>

#include "kernel/reference_state.h"
#include "projection/random_workload.h"
#include "projection/store.h"
#include "projection/view_compare.h"

namespace kmb::projection {
namespace {

using testing::RandomWorkload;
using testing::WorkloadStep;

struct AppliedStep {
  WorkloadStep step;
  Position position = 0;
};

struct Outcome {
  std::vector<AppliedStep> applied;
  std::size_t rejected = 0;
};

void apply_step(Store& store, const AppliedStep& applied) {
  if (!applied.step.is_command) {
    store.note_record(applied.position, applied.step.timestamp_ns);
    return;
  }
  const Status status = store.apply(applied.step.record, applied.position, applied.step.timestamp_ns,
                                    applied.step.client_id, applied.step.reason);
  ASSERT_TRUE(status.ok()) << status.to_string();
}

// Generates and applies `steps` records to `store`, checking each against the model.
Outcome run_workload(std::uint64_t seed, int steps, Store& store) {
  RandomWorkload workload(seed);
  kernel::ReferenceState model;
  Outcome outcome;
  Position next = 0;
  for (int i = 0; i < steps; i++) {
    AppliedStep applied{workload.next(store), next};
    if (applied.step.is_command) {
      Bytes before;
      store.encode(before);
      const Status status = store.apply(applied.step.record, next, applied.step.timestamp_ns, applied.step.client_id,
                                        applied.step.reason);
      const Status model_status = model.apply(applied.step.record, next, applied.step.timestamp_ns);
      EXPECT_EQ(status.code(), model_status.code())
          << "seed " << seed << " step " << i << ": " << status.to_string() << " vs model " << model_status.to_string();
      if (!status.ok()) {
        Bytes after;
        store.encode(after);
        EXPECT_EQ(before, after) << "seed " << seed << ": a rejected record changed the store";
        outcome.rejected++;
        continue;
      }
      const std::string diff = testing::compare_with_model(store, model);
      EXPECT_EQ(diff, "") << "seed " << seed << " step " << i;
      if (!diff.empty()) return outcome;
    } else {
      store.note_record(next, applied.step.timestamp_ns);
    }
    outcome.applied.push_back(std::move(applied));
    next++;
  }
  return outcome;
}

void check_every_position(std::uint64_t seed, int steps) {
  Store full;
  const Outcome outcome = run_workload(seed, steps, full);
  if (::testing::Test::HasFailure()) return;
  // The workload must exercise both paths.
  EXPECT_GT(outcome.rejected, static_cast<std::size_t>(steps) / 20) << seed;
  EXPECT_GT(outcome.applied.size(), static_cast<std::size_t>(steps) / 3) << seed;

  io::Prng prng(seed ^ 0x5eed);
  Store prefix;
  for (const AppliedStep& applied : outcome.applied) {
    apply_step(prefix, applied);
    const Position p = applied.position;
    const std::unique_ptr<ReadView> as_of = full.view(p);
    const std::unique_ptr<ReadView> latest = prefix.view(p);
    const std::string diff = testing::compare_views(*latest, *as_of, p, prng);
    ASSERT_EQ(diff, "") << "seed " << seed << " position " << p;
  }
  Bytes full_bytes;
  Bytes prefix_bytes;
  full.encode(full_bytes);
  prefix.encode(prefix_bytes);
  EXPECT_EQ(full_bytes, prefix_bytes);
}

class Property : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(Property, AsOfEveryPositionEqualsReplayUpToIt) {
  // Each parameter covers several seeds, so ctest can run the groups in parallel.
  for (std::uint64_t seed = GetParam() * 3; seed < GetParam() * 3 + 3; seed++) {
    check_every_position(seed, 220);
    if (HasFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, Property, ::testing::Range<std::uint64_t>(0, 5));

}  // namespace
}  // namespace kmb::projection
