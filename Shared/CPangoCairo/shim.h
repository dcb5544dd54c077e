// Pango (text layout, shaping, font fallback through fontconfig) over cairo (the PDF surface), as Debian's
// libpango1.0-dev and libcairo2-dev install them; include paths come from `pkg-config pangocairo`.
#ifndef KISUM_CPANGOCAIRO_SHIM_H
#define KISUM_CPANGOCAIRO_SHIM_H
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#endif
