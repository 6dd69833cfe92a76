// SPDX-License-Identifier: Apache-2.0
// The JSON objects the commands print (docs/json-output.md), built on JsonWriter: descr without
// Python syntax, dtype fields, archive member entries, and the preamble and error object every
// result starts with. Input: validated library values and verdicts; output: JSON text.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "json.h"
#include "npyguard/npyguard.h"

namespace npyguard::cli {

void write_shape_json(JsonWriter& json, std::span<const uint64_t> shape);
// NumPy's dtype.descr without Python syntax: a type string for a plain dtype; for a record, an
// array of [name, type] or [name, type, shape] entries, with padding as ["", "|V<n>"].
void write_descr_json(JsonWriter& json, const DType& dtype);
// write_descr_json's text on its own, for keeping after the dtype itself is gone.
std::string descr_json_text(const DType& dtype);
// A string, integer or bytes title, kept distinguishable (null without a title).
void write_title_json(JsonWriter& json, const Field& field);

// What check reports about one validated .npy. The dtype is kept only as its descr, already
// rendered as JSON, so an archive of many wide records costs about its headers' bytes, not every
// parsed dtype tree.
struct NpySummary {
  uint8_t version_major = 1;
  uint8_t version_minor = 0;
  std::string descr_json;
  std::vector<uint64_t> shape;
  bool fortran_order = false;
  uint64_t count = 0;
  uint64_t nbytes = 0;
};
NpySummary summarize(const NpyInfo& info);

// A name that may not be UTF-8 (a path, a member name an archive was refused for): `key` holds
// it with bytes outside well-formed UTF-8 replaced by U+FFFD, and, only then, `key`_hex its
// exact bytes.
void write_name_json(JsonWriter& json, std::string_view key, std::string_view name);
// `value` as a number, or null.
void write_optional_number(JsonWriter& json, std::string_view key, std::optional<uint64_t> value);
// "schema", "file" (and "file_hex"), "ok" and "format" open every JSON object; the format is
// null when the input could not be read far enough to tell.
void write_json_preamble(JsonWriter& json, const std::string& input, const InputVerdict& checked);
// The whole object for a failed input, with `hint` (may be null).
void write_error_json(JsonWriter& json, const std::string& input, const InputVerdict& checked,
                      const char* hint);

// The members of a check object that describe one validated .npy (a file or an archive member).
void write_npy_check_members_json(JsonWriter& json, const NpySummary& info);
// The same for inspect, with the header layout, the dtype and its fields.
void write_npy_inspect_members_json(JsonWriter& json, const NpyInfo& info);
// An archive member's directory entry: what the ZIP structure says about it.
void write_member_entry_json(JsonWriter& json, const NpzMember& member);

// The "members" array of an archive: each directory entry, plus `write_npy`'s description of the
// members that were validated (`infos`: one per member, absent for skipped members). The text is
// drained to `out` after every member, so the output is never held whole.
template <typename Info, typename WriteNpy>
void write_members_json(JsonWriter& json, const std::vector<NpzMember>& members,
                        const std::vector<std::optional<Info>>& infos, WriteNpy write_npy,
                        std::ostream& out) {
  json.key("members").begin_array();
  for (size_t i = 0; i < members.size(); ++i) {
    json.begin_object();
    write_member_entry_json(json, members[i]);
    if (i < infos.size() && infos[i]) write_npy(json, *infos[i]);
    json.end_object();
    json.drain_to(out);
  }
  json.end_array();
}

}  // namespace npyguard::cli
