#pragma once
// A mutex with priority inheritance (PTHREAD_PRIO_INHERIT). The real-time datagram readers and
// the normal-priority workers share the packet queue and pool: with a plain mutex, a reader
// waiting for a lock that a worker holds waits until that worker gets the CPU again (behind the
// other workers, a flush, other processes), and the socket overflows meanwhile. With priority
// inheritance the holder runs at the reader's priority until it lets go. BasicLockable; use it
// with std::condition_variable_any.
#include <pthread.h>

namespace ddsim::dogstatsd {

class PiMutex {
 public:
  PiMutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&m_, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~PiMutex() { pthread_mutex_destroy(&m_); }
  PiMutex(const PiMutex&) = delete;
  PiMutex& operator=(const PiMutex&) = delete;

  void lock() { pthread_mutex_lock(&m_); }
  void unlock() { pthread_mutex_unlock(&m_); }
  bool try_lock() { return pthread_mutex_trylock(&m_) == 0; }

 private:
  pthread_mutex_t m_;
};

}  // namespace ddsim::dogstatsd
