// The two Kimberlite peers of kimberlite-bench-compare (embedded, network) against real files and,
// for the network one, a real server over loopback TCP: load, every Session operation (each
// checks the values it reads) and verification, plus the refusal to reuse a served directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "peer.h"

namespace kmb::bench {
namespace {

constexpr std::int64_t loaded_rows = 2 * batch_rows;

std::string fresh_directory(const std::string& name) {
  std::filesystem::path directory = std::filesystem::path(KMB_BINARY_DIR) / "bench-compare-test" / name;
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory.parent_path());
  return directory.string();
}

// Runs every operation the workloads use, from two sessions, then verifies.
void exercise(Peer& peer) {
  ASSERT_TRUE(peer.load(loaded_rows).ok());
  {
    Result<std::unique_ptr<Session>> first = peer.connect();
    ASSERT_TRUE(first.ok()) << first.status().to_string();
    Result<std::unique_ptr<Session>> second = peer.connect();
    ASSERT_TRUE(second.ok()) << second.status().to_string();
    EXPECT_TRUE((*first)->insert_one(loaded_rows).ok());
    EXPECT_TRUE((*second)->insert_one(loaded_rows + 1).ok());
    EXPECT_TRUE((*first)->insert_batch(loaded_rows + 2).ok());
    for (std::int64_t id : {std::int64_t{0}, loaded_rows / 2, loaded_rows - 1}) {
      Status current = (*first)->read_current(id);
      EXPECT_TRUE(current.ok()) << current.to_string();
      Status past = (*second)->read_past(id);
      EXPECT_TRUE(past.ok()) << past.to_string();
      Status history = (*first)->read_history(id);
      EXPECT_TRUE(history.ok()) << history.to_string();
    }
    // The checks inside the reads are real: a row inserted after the load has one version only,
    // and not the loaded balances.
    EXPECT_FALSE((*first)->read_history(loaded_rows).ok());
    EXPECT_FALSE((*first)->read_current(loaded_rows).ok());
    // A duplicate key is refused, not counted.
    EXPECT_FALSE((*second)->insert_one(0).ok());
  }
  Result<VerifyOutcome> verified = peer.verify();
  ASSERT_TRUE(verified.ok()) << verified.status().to_string();
  EXPECT_NE(verified->detail.find("records"), std::string::npos) << verified->detail;
}

TEST(KimberlitePeers, Embedded) {
  std::string directory = fresh_directory("embedded");
  std::filesystem::create_directories(directory);
  Result<std::unique_ptr<Peer>> peer = make_kimberlite_peer(directory);
  ASSERT_TRUE(peer.ok()) << peer.status().to_string();
  EXPECT_EQ((*peer)->name(), "Kimberlite");
  exercise(**peer);
}

TEST(KimberlitePeers, Network) {
  std::string directory = fresh_directory("network");
  Result<std::unique_ptr<Peer>> peer = make_kimberlite_network_peer(directory);
  ASSERT_TRUE(peer.ok()) << peer.status().to_string();
  EXPECT_EQ((*peer)->name(), "Kimberlite (network)");
  exercise(**peer);
}

TEST(KimberlitePeers, NetworkRefusesAnInitialisedDirectory) {
  std::string directory = fresh_directory("network-twice");
  { ASSERT_TRUE(make_kimberlite_network_peer(directory).ok()); }
  Result<std::unique_ptr<Peer>> again = make_kimberlite_network_peer(directory);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::already_exists) << again.status().to_string();
}

}  // namespace
}  // namespace kmb::bench
