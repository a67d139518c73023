// One sd-event loop for everything: the bus (sdbus-c++ 1.2 has no sd-event
// attachment, so its poll data is bridged here), signals, and the watchdog.
#pragma once

#include <functional>
#include <memory>

struct sd_event;
struct sd_event_source;

namespace sdbus {
class IConnection;
}

namespace binfmtd {

class EventLoop {
public:
    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Dispatches the connection's messages from this loop.
    void attach(sdbus::IConnection& bus);
    // Runs `handler` when `signo` arrives (the signal is blocked and read through signalfd).
    void on_signal(int signo, std::function<void()> handler);
    int run();
    void exit(int code);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace binfmtd
