#define CATCH_CONFIG_RUNNER
#include "log.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

int main(int argc, char** argv) {
    // The daemon core logs every registration; a unit-test run shows that only when asked.
    if (!std::getenv("BINFMTD_TEST_LOG")) binfmtd::log::set_max_level(binfmtd::log::Err);
    return Catch::Session().run(argc, argv);
}
