// SPDX-License-Identifier: Apache-2.0
// A dtype reduced to the byte runs one job cares about, shared by the two jobs that walk every
// element of a payload: byte-order conversion (SwapPlan: runs of one swap unit) and the payload
// scan (PayloadScanner: bool and U runs). Each job says, through `classify`, which kind of bytes
// a non-structured leaf holds, or that it ignores the leaf; everything else is here once.
//
// Cost bound: reducing a record is one step per field in the header (zero-size fields and
// ignored leaves are dropped; a subarray of records that are one run of one kind collapses into
// one run over the field instead of `count` entries). Flattening the reduced record into a flat
// run list then visits at most `max_visits` runs and keeps at most `max_runs`; beyond either the
// plan walks the reduced record per element instead. Walking an element visits only fields that
// hold at least one byte of interest, and the runs it yields are non-empty and disjoint, so the
// work per element is at most (dtype depth) x (element bytes): it grows with the payload bytes,
// never with a count of zero-size or ignored fields the header declares.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "base/work_meter.h"
#include "npyguard/dtype.h"

namespace npyguard::detail {

// Bytes [offset, offset + length) of an element, all of one kind.
template <class Kind>
struct KindRun {
  uint64_t offset = 0;
  uint64_t length = 0;
  Kind kind{};
};

template <class Kind>
class RunPlan {
 public:
  using Run = KindRun<Kind>;

  // `classify(leaf)` -> std::optional<Kind>, for a non-structured leaf of size > 0.
  template <class Classify>
  RunPlan(const DType& dtype, const Classify& classify, size_t max_runs, size_t max_visits);

  // False when no byte of an element is of interest.
  bool needed() const noexcept { return needed_; }
  // The kind, when every byte of an element is one run of that kind (a plain leaf, or records
  // that are nothing but one kind): a chunk of whole elements is then one run too.
  std::optional<Kind> whole_kind() const noexcept { return whole_kind_; }
  // Calls visit(run) for every run of one element, in offset order, until visit returns false;
  // returns false when it stopped early. Offsets stay inside the element.
  template <class Visit>
  bool for_each_run(Visit&& visit) const {
    if (planned_) {
      for (const Run& run : runs_) {
        if (!visit(run)) return false;
      }
      return true;
    }
    return walk(nodes_[root_], 0, visit);
  }

  // For tests: whether the flat run list was built, its size, and the steps building took.
  bool planned() const noexcept { return planned_; }
  size_t plan_runs() const noexcept { return runs_.size(); }
  size_t build_steps() const noexcept { return build_steps_; }

 private:
  // One field of a reduced record: either a single run covering all `count` elements, or
  // `count` copies of node `node`, `stride` bytes apart.
  struct ReducedField {
    uint64_t offset = 0;
    uint64_t count = 0;
    uint64_t stride = 0;
    uint32_t node = 0;
    bool whole = false;
    Run run;  // when whole; offset inside the parent record
  };
  struct Node {
    std::vector<ReducedField> fields;
    bool whole = false;  // the record is one run [0, itemsize) of one kind
    Run run;             // when whole
  };

  template <class Classify>
  uint32_t reduce(const DType& dtype, const Classify& classify);
  template <class Visit>
  bool walk(const Node& node, uint64_t base, Visit& visit) const;

  bool needed_ = false;
  bool planned_ = false;
  std::optional<Kind> whole_kind_;
  std::vector<Run> runs_;
  std::vector<Node> nodes_;  // children before parents; nodes_[root_] is the dtype itself
  uint32_t root_ = 0;
  size_t build_steps_ = 0;
};

template <class Kind>
template <class Classify>
RunPlan<Kind>::RunPlan(const DType& dtype, const Classify& classify, size_t max_runs,
                       size_t max_visits) {
  if (dtype.itemsize == 0) return;
  if (dtype.kind != DTypeKind::Structured) {
    const std::optional<Kind> kind = classify(dtype);
    if (!kind) return;
    needed_ = planned_ = true;
    runs_.push_back(Run{.offset = 0, .length = dtype.itemsize, .kind = *kind});
    whole_kind_ = *kind;
    return;
  }
  root_ = reduce(dtype, classify);
  charge(build_steps_);  // one step per field of the header
  needed_ = !nodes_[root_].fields.empty();
  if (!needed_) return;
  planned_ = true;
  if (nodes_[root_].whole) {  // one run of one kind: nothing to flatten
    runs_.push_back(nodes_[root_].run);
    whole_kind_ = nodes_[root_].run.kind;
    return;
  }
  size_t visits = 0;
  auto collect = [&](const Run& run) {
    if (++visits > max_visits) {
      planned_ = false;
      return false;
    }
    if (!runs_.empty()) {
      Run& last = runs_.back();
      if (last.kind == run.kind && last.offset + last.length == run.offset) {
        last.length += run.length;  // adjacent runs of one kind merge
        return true;
      }
    }
    if (runs_.size() == max_runs) {
      planned_ = false;
      return false;
    }
    runs_.push_back(run);
    return true;
  };
  walk(nodes_[root_], 0, collect);
  build_steps_ += visits;
  charge(visits);  // at most max_visits
  if (!planned_) {
    runs_.clear();
    return;
  }
  if (runs_.size() == 1 && runs_[0].offset == 0 && runs_[0].length == dtype.itemsize) {
    whole_kind_ = runs_[0].kind;
  }
}

template <class Kind>
template <class Classify>
uint32_t RunPlan<Kind>::reduce(const DType& dtype, const Classify& classify) {
  Node node;
  bool contiguous = true;  // the fields so far form one run [0, node.run.length) of one kind
  for (const Field& field : dtype.fields) {
    ++build_steps_;
    if (field.size == 0) continue;  // nothing of interest, however many fields it holds
    ReducedField reduced{
        .offset = field.offset, .count = field.count, .stride = field.dtype.itemsize};
    if (field.dtype.kind == DTypeKind::Structured) {
      const uint32_t child = reduce(field.dtype, classify);
      if (nodes_[child].fields.empty()) continue;
      if (nodes_[child].whole) {
        // `count` back-to-back copies of one run of one kind are one run over the field.
        reduced.whole = true;
        reduced.run =
            Run{.offset = field.offset, .length = field.size, .kind = nodes_[child].run.kind};
      } else {
        reduced.node = child;
      }
    } else {
      const std::optional<Kind> kind = classify(field.dtype);
      if (!kind) continue;
      reduced.whole = true;
      reduced.run = Run{.offset = field.offset, .length = field.size, .kind = *kind};
    }
    if (reduced.whole && node.fields.empty()) {
      contiguous = reduced.run.offset == 0;
      node.run = reduced.run;
    } else if (reduced.whole && contiguous && node.run.kind == reduced.run.kind &&
               node.run.length == reduced.run.offset) {
      node.run.length += reduced.run.length;  // fields are in offset order, inside itemsize
    } else {
      contiguous = false;  // a gap, another kind, or a field walked per element
    }
    node.fields.push_back(reduced);
  }
  node.whole = contiguous && !node.fields.empty() && node.run.length == dtype.itemsize;
  nodes_.push_back(std::move(node));
  return static_cast<uint32_t>(nodes_.size() - 1);  // <= fields in the dtype, < 2^32
}

template <class Kind>
template <class Visit>
bool RunPlan<Kind>::walk(const Node& node, uint64_t base, Visit& visit) const {
  for (const ReducedField& field : node.fields) {
    if (field.whole) {
      Run run = field.run;
      run.offset = base + field.offset;
      if (!visit(run)) return false;
      continue;
    }
    // Every element of the subarray holds at least one byte of interest: bounded by payload.
    const Node& child = nodes_[field.node];
    for (uint64_t i = 0; i < field.count; ++i) {
      if (!walk(child, base + field.offset + i * field.stride, visit)) return false;
    }
  }
  return true;
}

}  // namespace npyguard::detail
