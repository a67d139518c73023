// The entry record's table against the contract (the D-Bus XML documents every key with its
// type) and the encoders and decoders the table drives, each pair back to the same record.
#include "entry_decode.hpp"
#include "entry_encode.hpp"
#include "entry_record.hpp"
#include "entry_record_json.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using binfmt::EntryRecord;

namespace {

std::string read_xml() {
    std::ifstream in(BINFMTD_DBUS_XML);
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" \n\t");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \n\t") - first + 1);
}

// The comment right before `<arg name="entry"` in GetEntry: "entry: name s, kind s, ...".
// Returns key -> D-Bus type, or nothing if the comment is not where it should be.
std::map<std::string, std::string> documented_entry_keys(const std::string& xml) {
    const auto method = xml.find("<method name=\"GetEntry\">");
    const auto arg = xml.find("<arg name=\"entry\"", method);
    if (method == std::string::npos || arg == std::string::npos) return {};
    const auto open = xml.rfind("<!--", arg);
    const auto close = xml.find("-->", open);
    if (open == std::string::npos || open < method || close > arg) return {};
    std::string text = xml.substr(open + 4, close - open - 4);
    const auto colon = text.find(':');
    if (colon == std::string::npos) return {};
    text = text.substr(colon + 1);

    std::map<std::string, std::string> keys;
    std::stringstream items(text);
    for (std::string item; std::getline(items, item, ',');) {
        std::stringstream words(trim(item));
        std::string key, type;
        words >> key >> type;
        keys[key] = type;
    }
    return keys;
}

// What the table and the XML disagree on, one line each; empty when they agree.
std::vector<std::string> mismatches(const std::map<std::string, std::string>& documented) {
    std::vector<std::string> out;
    const auto encoded = binfmtd::entry_variants(EntryRecord{});
    for (auto& [key, value] : encoded) {
        auto it = documented.find(key);
        if (it == documented.end()) out.push_back("not documented: " + key);
        else if (it->second != value.peekValueType())
            out.push_back("documented as " + it->second + ": " + key + " " + value.peekValueType());
    }
    for (auto& [key, type] : documented)
        if (!encoded.count(key)) out.push_back("documented, not in the table: " + key);
    return out;
}

std::string without(std::string text, const std::string& part) {
    const auto at = text.find(part);
    REQUIRE(at != std::string::npos);
    return text.erase(at, part.size());
}

EntryRecord sample() {
    EntryRecord r;
    r.name = "qemu-aarch64";
    r.kind = "magic";
    r.interpreter = "/usr/bin/qemu-aarch64-static";
    r.magic = {0x7f, 'E', 'L', 'F', 0x02};
    r.mask = {0xff, 0xff, 0xff, 0xff, 0xfe};
    r.offset = 4000000000u;
    r.extension = "";
    r.flags = "POCF";
    r.enabled = true;
    r.state = "failed";
    r.origin = "/etc/binfmtd.d/qemu-aarch64.toml";
    r.error = "the kernel said \"no\" ✗";
    r.pinned = "/usr/bin/qemu-aarch64-static (deleted)";
    r.pinned_stale = true;
    r.origin_line = 12;
    r.priority = -3;
    r.overlaps = {"\"qemu-aarch64\" wins over \"other\": priority -3 over -4", "a second one ✗"};
    r.outranked_by = "theirs";
    r.adopted = true;
    r.kernel_interpreter = "/usr/libexec/qemu-binfmt/aarch64-binfmt-P";
    r.kernel_flags = "POF";
    r.kernel_magic = {0x7f, 'E', 'L', 'F', 0x02};
    r.kernel_mask = {0xff, 0xff, 0xff, 0xff, 0xfc};
    r.kernel_offset = 1;
    return r;
}

// The keys whose values differ between two records, so a failure names the field.
std::set<std::string> differing_keys(const EntryRecord& a, const EntryRecord& b) {
    std::set<std::string> out;
    const auto compare = [&](const auto& f) {
        if (a.*f.member != b.*f.member) out.emplace(f.key);
    };
    std::apply([&](const auto&... f) { (compare(f), ...); }, binfmt::kEntryFields);
    return out;
}

// `r` with the fields named by `keys` back at their defaults.
EntryRecord reset(EntryRecord r, const std::set<std::string>& keys) {
    const EntryRecord defaults;
    const auto put_back = [&](const auto& f) {
        if (keys.count(std::string(f.key))) r.*f.member = defaults.*f.member;
    };
    std::apply([&](const auto&... f) { (put_back(f), ...); }, binfmt::kEntryFields);
    return r;
}

std::vector<std::string> table_keys() {
    std::vector<std::string> keys;
    EntryRecord r;
    binfmt::for_each_field(r, [&](std::string_view key, auto&) { keys.emplace_back(key); });
    return keys;
}

} // namespace

TEST_CASE("GetEntry's doc comment names every key of the table, with its type, and no other") {
    const auto documented = documented_entry_keys(read_xml());
    REQUIRE(!documented.empty());
    CHECK(mismatches(documented) == std::vector<std::string>{});
}

TEST_CASE("the doc comment check fails when the XML and the table disagree") {
    const std::string xml = read_xml();
    CHECK(mismatches(documented_entry_keys(without(xml, " flags s,"))) ==
          std::vector<std::string>{"not documented: flags"});
    auto extra = documented_entry_keys(xml);
    extra["bogus"] = "s";
    extra["offset"] = "i";
    CHECK(mismatches(extra) ==
          std::vector<std::string>{"documented as i: offset u", "documented, not in the table: bogus"});
}

TEST_CASE("Describe's doc comment lists the entries' keys in the table's order") {
    const std::string xml = read_xml();
    const auto start = xml.find("\"entries\": [{");
    const auto end = xml.find("}]", start);
    REQUIRE(start != std::string::npos);
    REQUIRE(end != std::string::npos);
    std::stringstream items(xml.substr(start + 13, end - start - 13));
    std::vector<std::string> keys;
    for (std::string item; std::getline(items, item, ',');) {
        std::stringstream words(trim(item));
        keys.emplace_back();
        words >> keys.back();
    }
    CHECK(keys == table_keys());
}

TEST_CASE("a record goes through GetEntry's a{sv} and comes back the same") {
    const EntryRecord r = sample();
    const auto encoded = binfmtd::entry_variants(r);
    CHECK(encoded.size() == table_keys().size());
    CHECK(encoded.at("magic").peekValueType() == "ay");
    CHECK(differing_keys(binfmtctl::decode_entry(encoded), r) == std::set<std::string>{});
}

TEST_CASE("the daemon sends names and paths as valid UTF-8") {
    EntryRecord r;
    r.name = "odd\xff";
    r.origin = "/etc/binfmtd.d/\xc3(";
    r.overlaps = {"\"odd\xff\" wins"};
    const auto decoded = binfmtctl::decode_entry(binfmtd::entry_variants(r));
    CHECK(decoded.name == "odd\\xff");
    CHECK(decoded.overlaps == std::vector<std::string>{"\"odd\\xff\" wins"});
    CHECK(decoded.origin == "/etc/binfmtd.d/\\xc3(");
}

TEST_CASE("decoding keeps the default of a key that is missing or of another type") {
    auto encoded = binfmtd::entry_variants(sample());
    encoded.erase("interpreter");
    encoded.erase("enabled");
    encoded["offset"] = sdbus::Variant(std::string("12"));
    encoded["magic"] = sdbus::Variant(std::string("7f454c46"));
    encoded["state"] = sdbus::Variant(true);
    encoded["unknown-key"] = sdbus::Variant(std::int32_t{3});
    CHECK(differing_keys(binfmtctl::decode_entry(encoded), reset(sample(), {"interpreter", "enabled", "offset", "magic",
                                                                            "state"})) == std::set<std::string>{});
}

TEST_CASE("the JSON form: hex bytes, the table's key order, and back to the same record") {
    EntryRecord r;
    r.name = "lua";
    r.kind = "magic";
    r.magic = {0x1b, 'L', 'u', 'a'};
    r.offset = 2;
    r.enabled = true;
    r.state = "active";
    const auto ordered = binfmt::entry_to_json<nlohmann::ordered_json>(r);
    CHECK(ordered.dump() == R"({"name":"lua","kind":"magic","interpreter":"","magic":"1b4c7561","mask":"",)"
                            R"("offset":2,"extension":"","flags":"","enabled":true,"state":"active",)"
                            R"("origin":"","error":"","pinned":"","pinned-stale":false,"origin-line":0,)"
                            R"("priority":0,"overlaps":[],"outranked-by":"","adopted":false,)"
                            R"("kernel-interpreter":"","kernel-flags":"",)"
                            R"("kernel-magic":"","kernel-mask":"","kernel-offset":0})");
    // Describe's document is a plain nlohmann::json: its keys come out sorted.
    CHECK(binfmt::entry_to_json<nlohmann::json>(r).dump() ==
          R"({"adopted":false,"enabled":true,"error":"","extension":"","flags":"","interpreter":"",)"
          R"("kernel-flags":"","kernel-interpreter":"","kernel-magic":"","kernel-mask":"","kernel-offset":0,)"
          R"("kind":"magic","magic":"1b4c7561","mask":"","name":"lua","offset":2,"origin":"","origin-line":0,)"
          R"("outranked-by":"","overlaps":[],"pinned":"","pinned-stale":false,"priority":0,"state":"active"})");

    CHECK(differing_keys(binfmt::entry_from_json(ordered), r) == std::set<std::string>{});
    CHECK(differing_keys(binfmt::entry_from_json(binfmt::entry_to_json<nlohmann::json>(sample())), sample()) ==
          std::set<std::string>{});
}

TEST_CASE("decoding JSON keeps the default of a key that is missing, malformed or out of range") {
    auto doc = binfmt::entry_to_json<nlohmann::json>(sample());
    doc.erase("name");
    doc["magic"] = "7f4";    // odd length
    doc["offset"] = -1;      // not a u32
    doc["enabled"] = "true"; // a string, not a boolean
    doc["mask"] = 5;
    doc["overlaps"] = "one"; // not a list
    CHECK(differing_keys(binfmt::entry_from_json(doc), reset(sample(), {"name", "magic", "offset", "enabled", "mask",
                                                                        "overlaps"})) == std::set<std::string>{});
    // A list keeps its strings, and only those.
    doc["overlaps"] = nlohmann::json::array({"a", 3, "b"});
    CHECK(binfmt::entry_from_json(doc).overlaps == std::vector<std::string>{"a", "b"});
    CHECK(binfmt::entry_from_json(nlohmann::json::array()) == EntryRecord{});
}
