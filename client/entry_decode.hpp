// GetEntry's a{sv} back into the record it was made from.
#pragma once

#include "entry_record.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <string>

namespace binfmtctl {

using VariantMap = std::map<std::string, sdbus::Variant>;

// Walks the record's table: a key missing or of an unexpected type keeps its default, so an
// older or newer daemon still gives the fields both know.
binfmt::EntryRecord decode_entry(const VariantMap& entry);

} // namespace binfmtctl
