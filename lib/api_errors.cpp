#include "api_errors.hpp"

#include <algorithm>

namespace binfmt {

const ApiErrorInfo* api_error_named(std::string_view name) {
    auto it = std::find_if(kApiErrors.begin(), kApiErrors.end(),
                           [&](const ApiErrorInfo& e) { return e.dbus_name == name; });
    return it == kApiErrors.end() ? nullptr : &*it;
}

} // namespace binfmt
