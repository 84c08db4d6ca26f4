#include "config.h"

#include "storm-error.h"

G_DEFINE_QUARK (storm-error-quark, storm_error)
