// Built instead of postgres_peer.cc when CMake finds no libpq: the PostgreSQL peer reports itself
// unavailable, and kimberlite-bench-compare runs the other peers.
#include "peer.h"

namespace kmb::bench {

Result<std::unique_ptr<Peer>> make_postgres_peer(const std::string&) {
  return unsupported("built without libpq (install libpq-dev and re-run cmake)");
}

}  // namespace kmb::bench
