// The planner's answer when nothing may be written (binfmt_misc mounted read-only, or held by
// another binfmtd): the kernel stays as it is, so each entry's state is what the kernel's table
// makes it, with the reason nothing changes in its error.
#pragma once

#include "plan.hpp"

#include <string>

namespace binfmt {

// `plan` is make_plan(in); `why` says why nothing can be written. The result has no actions and
// owns what `in` owned. An entry that needed no write keeps its state (an active one stays
// active: the kernel runs it). One that needed a write is pending (registered still as before,
// or not at all), or keeps its failed or disabled state while the kernel still has it; an owned
// entry waiting to be removed is listed as the kernel has it. Foreign entries are unchanged.
Plan hold_plan(const Plan& plan, const PlanInput& in, const std::string& why);

} // namespace binfmt
