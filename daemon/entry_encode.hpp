// EntryRecord as GetEntry's a{sv}: each field of the record's table under its key, its
// D-Bus type following the member's C++ type.
#pragma once

#include "entry_record.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <string>

namespace binfmtd {

std::map<std::string, sdbus::Variant> entry_variants(const binfmt::EntryRecord& record);

} // namespace binfmtd
