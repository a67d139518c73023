#include "entry_decode.hpp"

namespace binfmtctl {

binfmt::EntryRecord decode_entry(const VariantMap& entry) {
    binfmt::EntryRecord record;
    binfmt::for_each_field(record, [&](std::string_view key, auto& value) {
        using T = std::remove_reference_t<decltype(value)>;
        auto it = entry.find(std::string(key));
        if (it != entry.end() && it->second.containsValueOfType<T>()) value = it->second.get<T>();
    });
    return record;
}

} // namespace binfmtctl
