// A throwaway directory tree for tests that need real files: a --root, interpreters.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace unit {

struct TempTree {
    std::filesystem::path dir;

    TempTree() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "binfmtd-unit-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()));
        dir = tmpl;
        ::chmod(dir.c_str(), 0755);
    }
    ~TempTree() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    TempTree(const TempTree&) = delete;
    TempTree& operator=(const TempTree&) = delete;

    std::string root() const { return dir.string(); }
    std::string path(const std::string& rel) const { return (dir / rel).string(); }

    // Writes DIR/rel (parents created 0755), replacing any file there by a new inode.
    std::string write(const std::string& rel, const std::string& text, mode_t mode = 0644) const {
        const auto p = dir / rel;
        std::filesystem::create_directories(p.parent_path());
        for (auto d = p.parent_path(); d != dir; d = d.parent_path()) ::chmod(d.c_str(), 0755);
        const auto tmp = p.parent_path() / (".new-" + p.filename().string());
        std::ofstream(tmp, std::ios::binary) << text;
        ::chmod(tmp.c_str(), mode);
        std::filesystem::rename(tmp, p);
        return p.string();
    }
    // An executable interpreter file (root's, 0755 when the test runs as root).
    std::string interpreter(const std::string& rel) const { return write(rel, "#!/bin/sh\nexit 0\n", 0755); }
    std::string read(const std::string& rel) const {
        std::ifstream in(dir / rel, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    bool exists(const std::string& rel) const { return std::filesystem::exists(dir / rel); }
};

// The trust rules need root-owned files: the daemon-core tests are meaningless otherwise.
inline void require_root() {
    INFO("the daemon-core unit tests create root-owned files and must run as root");
    REQUIRE(::geteuid() == 0);
}

} // namespace unit
