/* What `tscap --version` prints and pcapng files record as shb_userappl:
 * `git describe` of the source tree when it was configured (a tag v1.2.3
 * gives "1.2.3", "1.2.3-4-gabc1234" after it; no tag: "0.1.0-gabc1234";
 * "-dirty" with uncommitted changes), else the project version. Generated
 * from src/version.c.in by CMake. */
#ifndef TSCAP_VERSION_H
#define TSCAP_VERSION_H

extern const char tscap_version[];

#endif
