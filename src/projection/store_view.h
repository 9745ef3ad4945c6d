// The ReadView and TableView implementations over a Store (internal to the projection layer; the
// public entry point is Store::view).
#pragma once

#include <memory>
#include <optional>

#include "projection/read_view.h"

namespace kmb::projection {

class Store;

std::unique_ptr<ReadView> make_read_view(const Store& store, std::optional<Position> visible_through);

}  // namespace kmb::projection
