// How long a changing call may wait for polkit, on both sides of the bus: binfmtd gives up on
// polkit after these, so binfmtctl waits at least that long (and a little more) for its reply.
#pragma once

#include <chrono>

namespace binfmt {

// polkit answering on its own (no agent may ask anything).
inline constexpr std::chrono::seconds kPolkitTimeout{10};
// A person typing a password into a polkit agent (the call's `interactive` option).
inline constexpr std::chrono::seconds kPolkitInteractiveTimeout{120};
// binfmtctl's timeout for Register, RegisterAll, Unregister and Reload: polkit's longest, plus
// time for the change itself.
inline constexpr std::chrono::seconds kChangeCallTimeout = kPolkitInteractiveTimeout + std::chrono::seconds(30);

} // namespace binfmt
