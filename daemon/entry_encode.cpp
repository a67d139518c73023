#include "entry_encode.hpp"

#include "api_error.hpp"

namespace binfmtd {

namespace {
template <typename T> sdbus::Variant variant_of(const T& value) { return sdbus::Variant(value); }
// Names and paths are bytes; a D-Bus string must be UTF-8.
sdbus::Variant variant_of(const std::string& value) { return sdbus::Variant(for_dbus(value)); }
sdbus::Variant variant_of(const std::vector<std::string>& values) {
    std::vector<std::string> out;
    for (auto& v : values) out.push_back(for_dbus(v));
    return sdbus::Variant(out);
}
} // namespace

std::map<std::string, sdbus::Variant> entry_variants(const binfmt::EntryRecord& record) {
    std::map<std::string, sdbus::Variant> out;
    binfmt::for_each_field(record, [&](std::string_view key, const auto& value) {
        out.emplace(std::string(key), variant_of(value));
    });
    return out;
}

} // namespace binfmtd
