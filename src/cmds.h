/* The subcommands, one file each. Each returns the process exit code. */
#ifndef TSCAP_CMDS_H
#define TSCAP_CMDS_H

int cmd_capture(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_ping(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_read(int argc, char **argv);
int cmd_reflect(int argc, char **argv);
int cmd_send(int argc, char **argv);

#endif
