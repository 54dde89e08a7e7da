#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace musubi::server {

// Something holding a socket that a shutdown must close.
class Closable {
 public:
  // Starts a graceful close (thread-safe): a WebSocket sends what is queued and a close frame
  // with close_code::going_away; a plain HTTP connection is shut down.
  virtual void shut_down() = 0;

 protected:
  ~Closable() = default;
};

// Every open socket, HTTP or WebSocket, so that a shutdown can close them all.
class LiveSockets {
 public:
  void add(const Closable* key, std::weak_ptr<Closable> socket);
  void remove(const Closable* key);

  // Starts the graceful close of every socket.
  void shut_down_all();

  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<const Closable*, std::weak_ptr<Closable>> sockets_;
};

}  // namespace musubi::server
