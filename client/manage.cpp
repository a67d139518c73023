// Unregister and Reload: changes that need root or the polkit action org.binfmtd1.manage.
#include "bus.hpp"
#include "verbs.hpp"

namespace binfmtctl {

int verb_unregister(Context& ctx) {
    auto& bus = ctx.bus();
    bus.manager().Unregister(ctx.args.name, bus.options({.persist = ctx.args.persist}));
    return 0;
}

int verb_reload(Context& ctx) {
    auto& bus = ctx.bus();
    bus.manager().Reload(bus.options({}));
    return 0;
}

} // namespace binfmtctl
