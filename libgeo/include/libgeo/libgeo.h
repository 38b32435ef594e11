/*
 * libgeo.h: the whole public API of libgeo.  If it is not in a header
 * included here, it is not API.
 */
#ifndef LIBGEO_LIBGEO_H
#define LIBGEO_LIBGEO_H

#include "libgeo/lg_context.h"
#include "libgeo/lg_crs.h"
#include "libgeo/lg_datum.h"
#include "libgeo/lg_efficiency.h"
#include "libgeo/lg_encoding.h"
#include "libgeo/lg_land.h"
#include "libgeo/lg_layer.h"
#include "libgeo/lg_map.h"
#include "libgeo/lg_measure.h"
#include "libgeo/lg_project.h"

#endif
