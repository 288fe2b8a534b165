/* Prints the effective uid it runs with: installed setuid-root in a container, it shows
   whether exec raised privileges (no_new_privs off) or not. Static: images need no libc. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("euid %u\n", (unsigned)geteuid());
  return 0;
}
