#include "spec_decode.hpp"

#include "api_error.hpp"
#include "escape.hpp"

#include <fmt/format.h>

namespace binfmtd {

void check_length(const std::string& what, const std::string& value) {
    if (value.size() > kMaxString)
        throw ApiError(ApiError::Code::InvalidEntry,
                       fmt::format("{} is {} bytes long (at most {})", what, value.size(), kMaxString));
}

binfmt::Spec decode_spec(const std::map<std::string, sdbus::Variant>& spec) {
    binfmt::Spec out;
    for (auto& [key, value] : spec) {
        check_length("a spec key", key);
        const std::string type = value.peekValueType();
        if (type == "s") {
            auto s = value.get<std::string>();
            check_length(fmt::format("`{}`", key), s);
            out[key] = std::move(s);
        } else if (type == "b") {
            out[key] = value.get<bool>();
        } else if (type == "u") {
            out[key] = value.get<std::uint32_t>();
        } else if (type == "i") {
            out[key] = value.get<std::int32_t>();
        } else if (type == "ay") {
            auto bytes = value.get<std::vector<std::uint8_t>>();
            if (bytes.size() > kMaxString)
                throw ApiError(ApiError::Code::InvalidEntry,
                               fmt::format("`{}` is {} bytes long (at most {})", key, bytes.size(), kMaxString));
            out[key] = binfmt::Bytes(bytes.begin(), bytes.end());
        } else {
            throw ApiError(ApiError::Code::InvalidEntry,
                           fmt::format("spec key {} has D-Bus type {}; use s, b, u, i or ay as documented",
                                       binfmt::in_quotes(shorten(key)), binfmt::in_quotes(type)));
        }
    }
    return out;
}

} // namespace binfmtd
