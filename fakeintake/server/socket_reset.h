#pragma once
// Resets one accepted TCP connection of this process (the "connection reset" fault).
// cpp-httplib does not hand its socket to request handlers, so the connection is found by its
// addresses among the process's descriptors; its descriptor is then replaced (dup2) by
// /dev/null after setting SO_LINGER to 0, so the kernel sends an RST while the descriptor
// number stays owned by cpp-httplib, which closes it as usual. Linux only.
#include <string>

namespace ddsim::fakeintake {

// Returns false when no matching connected socket was found.
bool resetConnection(int local_port, const std::string& remote_ip, int remote_port);

}  // namespace ddsim::fakeintake
