// EntryRecord as JSON, the form of Describe's entries and `binfmtctl status NAME --json`:
// magic and mask as lower-case hex, everything else as itself. Templates over the JSON type:
// nlohmann::json sorts the keys (Describe), nlohmann::ordered_json keeps the table's order.
#pragma once

#include "entry_record.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace binfmt {

namespace json_form {

template <typename T> const T& of(const T& value) { return value; }
inline std::string of(const Bytes& bytes) { return to_hex(bytes); }

// `out` takes the value only if it has the type and range `out` can hold.
template <typename Json, typename T> void take(const Json& value, T& out) {
    if constexpr (std::is_same_v<T, Bytes>) {
        if (value.is_string())
            if (auto bytes = from_hex(value.template get<std::string>())) out = std::move(*bytes);
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
        if (!value.is_array()) return;
        T items;
        for (auto& item : value)
            if (item.is_string()) items.push_back(item.template get<std::string>());
        out = std::move(items);
    } else if constexpr (std::is_same_v<T, bool>) {
        if (value.is_boolean()) out = value.template get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
        if (value.is_number_unsigned()) {
            if (auto n = value.template get<std::uint64_t>(); std::in_range<T>(n)) out = static_cast<T>(n);
        } else if (value.is_number_integer()) {
            if (auto n = value.template get<std::int64_t>(); std::in_range<T>(n)) out = static_cast<T>(n);
        }
    } else {
        if (value.is_string()) out = value.template get<T>();
    }
}

} // namespace json_form

template <typename Json> Json entry_to_json(const EntryRecord& record) {
    Json doc = Json::object();
    for_each_field(record,
                   [&](std::string_view key, const auto& value) { doc[std::string(key)] = json_form::of(value); });
    return doc;
}

// A key missing or of another type keeps the record's default.
template <typename Json> EntryRecord entry_from_json(const Json& doc) {
    EntryRecord record;
    if (!doc.is_object()) return record;
    for_each_field(record, [&](std::string_view key, auto& value) {
        if (auto it = doc.find(std::string(key)); it != doc.end()) json_form::take(*it, value);
    });
    return record;
}

} // namespace binfmt
