#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "clients/client/client_connection.hpp"

namespace musubi::client {

struct HttpsResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  // The first header of that name (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

struct HttpsRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// One request on a new TLS connection to the server of `options` (its host, port and TLS
// settings), within options.timeout. Throws ClientError when the server cannot be reached or
// does not answer in time; any HTTP status is a response.
HttpsResponse https_request(const ConnectOptions& options, const HttpsRequest& request);

// "Authorization: Bearer <token>".
std::pair<std::string, std::string> bearer(const std::string& token);

}  // namespace musubi::client
