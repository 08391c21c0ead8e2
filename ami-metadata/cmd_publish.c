#include "ami.h"
int cmd_publish(int argc, char **argv) { (void)argc; (void)argv; return 1; }
