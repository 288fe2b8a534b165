#include "test_ca.h"

#include <sys/wait.h>

#include <cstdlib>

namespace boxcar::testing {

bool MakeTestCa(const std::string& dir) {
  const std::string command =
      "cd '" + dir +
      "' && { openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=boxcar-test-ca "
      "-keyout ca.key -out ca.pem && openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 "
      "-keyout server.key -out server.csr && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' "
      "> san.ext && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
      "-days 2 -extfile san.ext -out server.pem; } >tls.log 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace boxcar::testing
