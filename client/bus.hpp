// The one system-bus connection and the org.binfmtd1 proxy on it; with it, what GetEntry's
// reply and the bus's errors mean (entry_decode.hpp, errors.hpp).
#pragma once

#include "entry_decode.hpp"
#include "errors.hpp"
#include "noncopyable.hpp"
#include "output.hpp"
#include "spec.hpp"

#include <binfmtd1-proxy.h>
#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <memory>
#include <string>

namespace binfmtctl {

// Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS selects another) and makes a proxy for
// org.binfmtd1 at /org/binfmtd1 on that same connection: no second connection, no loop thread.
class Bus : binfmt::NonCopyable {
public:
    // Throws sdbus::Error named org.freedesktop.DBus.Error.NoServer when the bus cannot be reached.
    Bus();
    ~Bus();

    org::binfmtd1::Manager_proxy& manager();

    // Options a{sv} of Register/RegisterAll/Unregister/Reload: the given booleans (only those
    // set), plus interactive = true when stdin is a terminal (then polkit may ask for a
    // password). Method calls then get a timeout longer than polkit's longest.
    struct CallOptions {
        bool persist = false;
        bool replace = false;
        bool force = false;
    };
    VariantMap options(const CallOptions& given);

private:
    class Proxy;
    std::unique_ptr<sdbus::IConnection> connection_; // declared first: outlives the proxy
    std::unique_ptr<Proxy> proxy_;
};

// A definition as Register's spec a{sv}.
VariantMap to_variants(const binfmt::Spec& spec);

} // namespace binfmtctl
