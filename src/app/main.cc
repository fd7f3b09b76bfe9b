// digitrade: the composition root. See cli.cc for the commands.
#include "app/cli.h"

int main(int argc, char** argv) { return digitrade::app::RunCli(argc, argv); }
