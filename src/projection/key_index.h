// KeyIndex: an insert-only open-addressing hash index from a byte-string key to an entry that
// lives elsewhere (a std::map node, which never moves). Point lookups cost about two cache misses
// (the slot, then the entry to confirm the key), against ~20 for a red-black tree of a million
// entries and ~4 for std::unordered_map's node chains.
//
// Thread-safety: none; lookups are const and may run concurrently with each other.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/assert.h"

namespace kmb::projection {

// Entry: any type with a `first` member convertible to std::string_view (e.g. a map's value_type).
template <typename Entry>
class KeyIndex {
 public:
  // REQUIRES: no entry with the same key was inserted before; `entry` outlives the index.
  void insert(Entry* entry) {
    KMB_ASSERT(entry != nullptr);
    if ((size_ + 1) * 2 > slots_.size()) grow();
    place(Slot{hash(entry->first), entry});
    size_++;
  }

  Entry* find(std::string_view key) const {
    if (slots_.empty()) return nullptr;
    const std::uint64_t h = hash(key);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.entry == nullptr) return nullptr;
      if (slot.hash == h && std::string_view(slot.entry->first) == key) return slot.entry;
    }
  }

  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    Entry* entry = nullptr;
  };

  static std::uint64_t hash(std::string_view key) { return std::hash<std::string_view>()(key); }

  void place(const Slot& slot) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = slot.hash & mask;
    while (slots_[i].entry != nullptr) i = (i + 1) & mask;
    slots_[i] = slot;
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    for (const Slot& slot : old) {
      if (slot.entry != nullptr) place(slot);
    }
  }

  std::vector<Slot> slots_;  // size is zero or a power of two, at most half full
  std::size_t size_ = 0;
};

}  // namespace kmb::projection
