#ifndef KISUM_CARGON2_H
#define KISUM_CARGON2_H

// libargon2 (Debian: libargon2-dev), the reference Argon2 implementation.
#include <argon2.h>

#endif
