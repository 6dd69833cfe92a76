// SPDX-License-Identifier: Apache-2.0
// inspect: validate one input and print everything known about it (format, dtype, fields, and
// for an archive every member's directory entry and array). Input: one operand naming untrusted
// bytes; output: labelled text or one JSON object.
#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "input.h"
#include "json.h"
#include "json_output.h"
#include "report.h"
#include "text.h"

namespace npyguard::cli {
namespace {

void write_inspect_json(JsonWriter& json, const std::string& input, const CheckedInput& checked,
                        std::ostream& out) {
  json.begin_object();
  write_json_preamble(json, input, checked);
  if (checked.archive) {
    const ArchiveTotals totals = archive_totals(checked.archive->members());
    json.key("compressed_bytes").number(totals.compressed);
    json.key("uncompressed_bytes").number(totals.uncompressed);
    write_members_json(json, checked.archive->members(), checked.member_infos,
                       write_npy_inspect_members_json, out);
  } else {
    write_npy_inspect_members_json(json, *checked.npy);
  }
  json.end_object();
}

// Everything inspect says about one .npy after its name: format, dtype, shape, fields.
void print_npy_description(std::ostream& out, const NpyInfo& info) {
  print_labeled(out, "format",
                version_text(info) + " (header " + std::to_string(info.header_length) +
                    " bytes, data at offset " + std::to_string(info.payload_offset) + ")");
  // The plain type string, as --json gives it; a record keeps NumPy's list form, which a person
  // can paste into np.dtype().
  print_labeled(out, "descr",
                printable(info.dtype.kind == DTypeKind::Structured ? info.descr()
                                                                   : info.dtype.type_string()));
  print_labeled(out, "dtype", dtype_summary(info.dtype));
  print_labeled(out, "shape", shape_text(info.shape));
  print_labeled(out, "order", info.fortran_order ? "Fortran" : "C");
  print_labeled(out, "elements", std::to_string(info.count));
  print_labeled(out, "data bytes", std::to_string(info.nbytes));
  if (info.dtype.kind == DTypeKind::Structured) {
    const uint64_t top = info.dtype.fields.size();
    const uint64_t total = count_fields(info.dtype);
    std::string summary = std::to_string(top);
    if (total != top) summary += " (" + std::to_string(total) + " including nested)";
    print_labeled(out, "fields", summary);
    print_field_table(out, info.dtype);
  }
}

void print_inspect_text(std::ostream& out, const std::string& input, const NpyInfo& info) {
  print_labeled(out, "file", printable(input));
  print_npy_description(out, info);
}

void print_archive_text(std::ostream& out, const std::string& input, const CheckedInput& checked) {
  const std::vector<NpzMember>& members = checked.archive->members();
  const ArchiveTotals totals = archive_totals(members);
  print_labeled(out, "file", printable(input));
  print_labeled(out, "format", "npz (ZIP archive of .npy members)");
  std::string count = std::to_string(members.size());
  if (totals.skipped > 0) count += " (" + std::to_string(totals.skipped) + " skipped)";
  print_labeled(out, "members", count);
  print_labeled(out, "compressed", std::to_string(totals.compressed) + " bytes");
  print_labeled(out, "uncompressed", std::to_string(totals.uncompressed) + " bytes");
  constexpr std::string_view kMemberIndent = "  ";
  for (size_t i = 0; i < members.size(); ++i) {
    const NpzMember& member = members[i];
    out << '\n';
    print_labeled(out, "member " + std::to_string(i), printable(member.name));
    std::ostringstream block;
    print_labeled(block, "key", printable(member.key));
    print_labeled(block, "method", method_name(member.method));
    print_labeled(block, "compressed", std::to_string(member.compressed_size) + " bytes");
    print_labeled(block, "uncompressed", std::to_string(member.uncompressed_size) + " bytes");
    print_labeled(block, "crc32", crc_text(member.crc32));
    print_labeled(block, "offset",
                  std::to_string(member.local_header_offset) + " (data at offset " +
                      std::to_string(member.data_offset) + ")");
    if (i < checked.member_infos.size() && checked.member_infos[i]) {
      print_npy_description(block, *checked.member_infos[i]);
    } else {
      print_labeled(block, "skipped", "not a .npy member");
    }
    print_indented(out, block.str(), kMemberIndent);
  }
}

}  // namespace

int run_inspect(const Options& options, Console& console) {
  // main.cpp guarantees exactly one input.
  const std::string& input = options.inputs.front();
  const CheckedInput checked =
      check_input(input, options.limits, MemberDetail::Full, /*streams_allowed=*/true);
  if (!checked.ok()) return report_failure(options, console, Command::Inspect, input, checked);
  if (options.json) {
    JsonWriter json;
    write_inspect_json(json, input, checked, console.out);
    console.out << json.text() << '\n';
  } else if (checked.archive) {
    print_archive_text(console.out, input, checked);
  } else {
    print_inspect_text(console.out, input, *checked.npy);
  }
  return kExitOk;
}

}  // namespace npyguard::cli
