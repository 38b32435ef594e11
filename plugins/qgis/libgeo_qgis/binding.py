"""A thin ctypes binding to libgeo's C API (libgeo/include/libgeo/*.h).

Only what the plugin uses is declared.  Every handle is owned by a
Context and freed when the context closes (in reverse order of creation),
so callers write::

    with Context() as ctx:
        zones = ctx.open_layer("streets.shp")
        roads = ctx.open_layer("roads.shp", WHERE="class = 'arterial'")
        crs = ctx.load([zones, roads])
        r = ctx.kernel("length-density", ctx.zones(zones), [roads, None], ["UNDIRECTED=yes"])
        r.write_gpkg("out.gpkg", crs.wkt)

A failing call raises LibgeoError carrying lg_ctx_errmsg.

Where the shared library is found (first hit wins):
  1. the environment variable LIBGEO_LIBRARY (a path to libgeo.so);
  2. next to this file (libgeo.so, libgeo.so.0: a zip built with
     package.sh --with-lib);
  3. the system loader path (ldconfig, LD_LIBRARY_PATH), then
     /usr/local/lib and /usr/lib (cmake --install's prefixes).
"""
import ctypes
import math
import os
from ctypes import (CFUNCTYPE, POINTER, c_char_p, c_double, c_int, c_size_t, c_void_p)

__all__ = ["LibgeoError", "Context", "library_path", "version"]

MIN_VERSION = (0, 1)  # the API this binding is written against


class LibgeoError(Exception):
    """A libgeo call failed: the library's message, and its status name."""

    def __init__(self, message, status=""):
        super().__init__(message)
        self.status = status


# --------------------------------------------------------------------------
# Loading and declaring

def _candidates():
    env = os.environ.get("LIBGEO_LIBRARY")
    if env:
        return [env]  # explicit: no fallback that would hide a typo
    here = os.path.dirname(os.path.abspath(__file__))
    return ([os.path.join(here, n) for n in ("libgeo.so", "libgeo.so.0")]
            + ["libgeo.so.0", "libgeo.so"]
            + [os.path.join(p, "libgeo.so.0") for p in ("/usr/local/lib", "/usr/lib")])


_lib = None
_path = None

# name: (restype, argtypes).  Handles are opaque void pointers.
_P = c_void_p
_OPTS = POINTER(c_char_p)
_WARN = CFUNCTYPE(None, c_char_p, c_void_p)
_PROGRESS = CFUNCTYPE(c_int, c_double, c_char_p, c_void_p)
_API = {
    "lg_version": (c_char_p, []),
    "lg_status_name": (c_char_p, [c_int]),
    "lg_ctx_new": (_P, []),
    "lg_ctx_free": (_P, [_P]),
    "lg_ctx_errno": (c_int, [_P]),
    "lg_ctx_errmsg": (c_char_p, [_P]),
    "lg_ctx_set_warning_handler": (None, [_P, _WARN, c_void_p]),
    "lg_ctx_set_progress": (None, [_P, _PROGRESS, c_void_p]),
    "lg_ctx_set_threads": (None, [_P, c_int]),
    "lg_layer_open": (_P, [_P, c_char_p, _OPTS]),
    "lg_layer_close": (_P, [_P, _P]),
    "lg_source_layers": (c_int, [_P, c_char_p, POINTER(POINTER(c_char_p)), POINTER(c_size_t)]),
    "lg_strings_free": (None, [POINTER(c_char_p)]),
    "lg_layers_working_crs": (_P, [_P, POINTER(_P), c_size_t, c_char_p]),
    "lg_layers_load": (c_int, [_P, POINTER(_P), c_size_t, _P]),
    "lg_crs_free": (_P, [_P]),
    "lg_crs_wkt": (c_char_p, [_P]),
    "lg_crs_id": (c_char_p, [_P]),
    "lg_zones_new": (_P, [_P, _P, c_char_p, c_char_p]),
    "lg_zones_free": (_P, [_P, _P]),
    "lg_table_name": (c_char_p, [_P]),
    "lg_table_rows": (c_size_t, [_P]),
    "lg_table_columns": (c_size_t, [_P]),
    "lg_table_column_name": (c_char_p, [_P, c_size_t]),
    "lg_table_column_unit": (c_char_p, [_P, c_size_t]),
    "lg_table_value": (c_double, [_P, c_size_t, c_size_t]),
    "lg_table_row_id": (c_char_p, [_P, c_size_t]),
    "lg_table_row_name": (c_char_p, [_P, c_size_t]),
    "lg_result_free": (_P, [_P, _P]),
    "lg_result_kernel": (c_char_p, [_P]),
    "lg_result_unit": (c_char_p, [_P]),
    "lg_result_crs": (c_char_p, [_P]),
    "lg_result_zones": (_P, [_P]),
    "lg_result_total": (_P, [_P]),
    "lg_result_detail_count": (c_size_t, [_P]),
    "lg_result_detail": (_P, [_P, c_size_t]),
    "lg_result_param_count": (c_size_t, [_P]),
    "lg_result_param_key": (c_char_p, [_P, c_size_t]),
    "lg_result_param_value": (c_char_p, [_P, c_size_t]),
    "lg_result_warning_count": (c_size_t, [_P]),
    "lg_result_warning": (c_char_p, [_P, c_size_t]),
    "lg_result_write_gpkg": (c_int, [_P, _P, c_char_p, c_char_p]),
    "lg_screen": (_P, [_P, _P, _P, _P, _OPTS]),
    "lg_project_load": (_P, [_P, c_char_p, _OPTS]),
    "lg_project_free": (_P, [_P, _P]),
    "lg_project_error_count": (c_size_t, [_P]),
    "lg_project_error": (c_char_p, [_P, c_size_t]),
    "lg_project_warning_count": (c_size_t, [_P]),
    "lg_project_warning": (c_char_p, [_P, c_size_t]),
    "lg_project_check": (c_int, [_P, _P]),
    "lg_project_evaluate": (_P, [_P, _P, _OPTS]),
    "lg_evaluation_free": (_P, [_P, _P]),
    "lg_evaluation_crs": (c_char_p, [_P]),
    "lg_evaluation_binding_missed": (c_size_t, [_P]),
    "lg_evaluation_write": (c_int, [_P, _P, c_char_p, _OPTS]),
    "lg_eff_config_load": (_P, [_P, c_char_p, _OPTS]),
    "lg_eff_config_free": (_P, [_P, _P]),
    "lg_eff_config_error_count": (c_size_t, [_P]),
    "lg_eff_config_error": (c_char_p, [_P, c_size_t]),
    "lg_eff_config_warning_count": (c_size_t, [_P]),
    "lg_eff_config_warning": (c_char_p, [_P, c_size_t]),
    "lg_eff_config_check": (c_int, [_P, _P]),
    "lg_efficiency_run": (_P, [_P, _P, _OPTS]),
    "lg_efficiency_free": (_P, [_P, _P]),
    "lg_efficiency_firm_count": (c_size_t, [_P]),
    "lg_efficiency_class_count": (c_size_t, [_P, c_char_p]),
    "lg_efficiency_crs": (c_char_p, [_P]),
    "lg_efficiency_write": (c_int, [_P, _P, c_char_p, _OPTS]),
}

# Kernels: kind -> (C function, number of input layers after the zones).
KERNELS = {
    "length-density": ("lg_length_density", 2),  # lines, denominator
    "length-share": ("lg_length_share", 1),      # lines
    "area-share": ("lg_area_share", 2),          # cover, denominator
    "count": ("lg_count", 1),                    # points
    "per-area": ("lg_per_area", 1),              # parcels
    "coverage": ("lg_coverage", 2),              # facilities, target
    "overlap": ("lg_overlap", 3),                # sites, control, boundary
    "far": ("lg_parcel_far", 2),                 # parcels, buildings
    "land-stock": ("lg_land_stock", 2),          # approvals, supply
}
for _fn, _n in KERNELS.values():
    _API[_fn] = (_P, [_P, _P] + [_P] * _n + [_OPTS])


def _load():
    global _lib, _path
    if _lib is not None:
        return _lib
    tried = []
    for cand in _candidates():
        if os.sep in cand and not os.path.exists(cand):
            tried.append(cand + " (no such file)")
            continue
        try:
            lib = ctypes.CDLL(cand)
        except OSError as e:
            tried.append("%s (%s)" % (cand, e))
            continue
        for name, (res, args) in _API.items():
            f = getattr(lib, name)
            f.restype, f.argtypes = res, args
        v = tuple(int(x) for x in lib.lg_version().decode().split(".")[:2])
        if v[0] != MIN_VERSION[0] or v < MIN_VERSION:
            raise LibgeoError("%s is libgeo %d.%d; this plugin needs %d.%d or a later 0.x"
                              % ((cand,) + v + MIN_VERSION))
        _lib, _path = lib, cand
        return lib
    raise LibgeoError("libgeo shared library not found; set LIBGEO_LIBRARY to the path of "
                      "libgeo.so (tried: %s)" % "; ".join(tried))


def library_path():
    _load()
    return _path


def version():
    return _load().lg_version().decode()


def _s(b):
    return b.decode("utf-8") if b is not None else None


def _opts(options):
    """A NULL-terminated char* array from "KEY=VALUE" strings."""
    items = [o.encode("utf-8") for o in options or ()]
    return (c_char_p * (len(items) + 1))(*items, None)


def _num(v):
    return None if math.isnan(v) else v


# --------------------------------------------------------------------------
# Results

class Table:
    """A result table read into Python: columns [(name, unit)] and rows
    {"id", "name", column: value or None}."""

    def __init__(self, ptr):
        L = _load()
        self.name = _s(L.lg_table_name(ptr))
        ncol = L.lg_table_columns(ptr)
        self.columns = [(_s(L.lg_table_column_name(ptr, c)), _s(L.lg_table_column_unit(ptr, c)))
                        for c in range(ncol)]
        self.rows = []
        for r in range(L.lg_table_rows(ptr)):
            row = {"id": _s(L.lg_table_row_id(ptr, r)), "name": _s(L.lg_table_row_name(ptr, r))}
            for c, (name, _unit) in enumerate(self.columns):
                row[name] = _num(L.lg_table_value(ptr, r, c))
            self.rows.append(row)

    def column(self, name):
        return [row[name] for row in self.rows]


class Result:
    """A kernel's result.  The C object stays alive (for write_gpkg) as long
    as the context that made it."""

    def __init__(self, ptr):
        L = _load()
        self._ptr = ptr
        self.kernel = _s(L.lg_result_kernel(ptr))
        self.unit = _s(L.lg_result_unit(ptr))
        self.crs = _s(L.lg_result_crs(ptr))
        self.zones = Table(L.lg_result_zones(ptr))
        self.total = Table(L.lg_result_total(ptr)).rows[0]
        self.details = [Table(L.lg_result_detail(ptr, i))
                        for i in range(L.lg_result_detail_count(ptr))]
        self.params = {_s(L.lg_result_param_key(ptr, i)): _s(L.lg_result_param_value(ptr, i))
                       for i in range(L.lg_result_param_count(ptr))}
        self.warnings = [_s(L.lg_result_warning(ptr, i))
                         for i in range(L.lg_result_warning_count(ptr))]


class Crs:
    def __init__(self, ptr):
        L = _load()
        self._ptr = ptr
        self.wkt = _s(L.lg_crs_wkt(ptr))
        self.id = _s(L.lg_crs_id(ptr))


# --------------------------------------------------------------------------
# The context

class Context:
    """An lg_ctx and everything made with it.  One per thread.

    warn(message) receives the library's warnings (possibly from its worker
    threads); progress(fraction, what) returns False to cancel."""

    def __init__(self, threads=0, warn=None, progress=None):
        self._L = _load()
        self._ptr = self._L.lg_ctx_new()
        if not self._ptr:
            raise LibgeoError("out of memory")
        self._owned = []  # (free function, pointer), freed in reverse order
        self._callbacks = []  # ctypes callbacks must outlive their use
        self._L.lg_ctx_set_threads(self._ptr, int(threads))
        if warn:
            cb = _WARN(lambda msg, _user: warn(_s(msg)))
            self._callbacks.append(cb)
            self._L.lg_ctx_set_warning_handler(self._ptr, cb, None)
        if progress:
            cb = _PROGRESS(lambda f, what, _user: 1 if progress(f, _s(what)) is not False else 0)
            self._callbacks.append(cb)
            self._L.lg_ctx_set_progress(self._ptr, cb, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if not self._ptr:
            return
        while self._owned:
            free, ptr = self._owned.pop()
            free(ptr)
        self._L.lg_ctx_free(self._ptr)
        self._ptr = None

    # errors and ownership
    def error(self, what=None):
        msg = _s(self._L.lg_ctx_errmsg(self._ptr)) or "unknown error"
        status = _s(self._L.lg_status_name(self._L.lg_ctx_errno(self._ptr)))
        return LibgeoError("%s: %s" % (what, msg) if what else msg, status)

    def _own(self, ptr, free, what):
        if not ptr:
            raise self.error(what)
        self._owned.append((free, ptr))
        return ptr

    def _free_with_ctx(self, name):
        fn = getattr(self._L, name)
        return lambda p: fn(self._ptr, p)

    # layers and zones
    def open_layer(self, source, **options):
        """lg_layer_open; options as in lg_layer.h (LAYER, WHERE, ENCODING,
        TEXT, SRS, DATUM, INVALID); None values are left out."""
        opts = ["%s=%s" % (k, v) for k, v in options.items() if v not in (None, "")]
        ptr = self._L.lg_layer_open(self._ptr, source.encode("utf-8"), _opts(opts))
        return self._own(ptr, self._free_with_ctx("lg_layer_close"), None)

    def source_layers(self, source):
        """The layer names of a source (lg_source_layers)."""
        names, count = POINTER(c_char_p)(), c_size_t()
        if self._L.lg_source_layers(self._ptr, source.encode("utf-8"), ctypes.byref(names),
                                    ctypes.byref(count)) != 0:
            raise self.error()
        try:
            return [_s(names[i]) for i in range(count.value)]
        finally:
            self._L.lg_strings_free(names)

    def load(self, layers, crs=None):
        """Choose one working CRS for `layers` (the first's projected CRS,
        else the CGCS2000 zone; `crs` overrides) and load them all into it."""
        arr = (c_void_p * len(layers))(*layers)
        ptr = self._L.lg_layers_working_crs(self._ptr, arr, len(layers),
                                            crs.encode() if crs else None)
        working = Crs(self._own(ptr, self._L.lg_crs_free, None))
        if self._L.lg_layers_load(self._ptr, arr, len(layers), working._ptr) != 0:
            raise self.error()
        return working

    def zones(self, layer, id_field=None, name_field=None):
        enc = lambda s: s.encode("utf-8") if s else None
        ptr = self._L.lg_zones_new(self._ptr, layer, enc(id_field), enc(name_field))
        return self._own(ptr, self._free_with_ctx("lg_zones_free"), None)

    # kernels
    def kernel(self, kind, zones, layers, options=()):
        """Run a kernel (KERNELS) on loaded layers (None for an optional one)."""
        fn, n = KERNELS[kind]
        if len(layers) != n:
            raise ValueError("%s takes %d layers" % (kind, n))
        ptr = getattr(self._L, fn)(self._ptr, zones, *layers, _opts(options))
        return Result(self._own(ptr, self._free_with_ctx("lg_result_free"), None))

    def screen(self, sites, control, boundary, options=()):
        ptr = self._L.lg_screen(self._ptr, sites, control, boundary, _opts(options))
        return Result(self._own(ptr, self._free_with_ctx("lg_result_free"), None))

    def write_gpkg(self, result, crs_wkt, path):
        if self._L.lg_result_write_gpkg(self._ptr, result._ptr, crs_wkt.encode(),
                                        path.encode("utf-8")) != 0:
            raise self.error()

    # projects and efficiency configs: errors collected as FILE:LINE:COL lines
    def _checked(self, ptr, prefix, free, warn):
        L = self._L
        count, get = getattr(L, prefix + "_error_count"), getattr(L, prefix + "_error")
        self._own(ptr, self._free_with_ctx(free), None)
        if count(ptr) == 0:
            getattr(L, prefix + "_check")(self._ptr, ptr)
        if warn:
            wc, wg = getattr(L, prefix + "_warning_count"), getattr(L, prefix + "_warning")
            for i in range(wc(ptr)):
                warn(_s(wg(ptr, i)))
        if count(ptr):
            raise LibgeoError("\n".join(_s(get(ptr, i)) for i in range(count(ptr))), "bad argument")
        return ptr

    def evaluate(self, project, out_dir, target_path=None, warn=None):
        """Load, check, evaluate and write a project (lg_project.h); returns
        {"crs", "binding_missed"}."""
        opts = ["TARGET_PATH=" + target_path] if target_path else []
        p = self._L.lg_project_load(self._ptr, project.encode("utf-8"), _opts(opts))
        self._checked(p, "lg_project", "lg_project_free", warn)
        ev = self._own(self._L.lg_project_evaluate(self._ptr, p, None),
                       self._free_with_ctx("lg_evaluation_free"), None)
        if self._L.lg_evaluation_write(self._ptr, ev, out_dir.encode("utf-8"), None) != 0:
            raise self.error()
        return {"crs": _s(self._L.lg_evaluation_crs(ev)),
                "binding_missed": self._L.lg_evaluation_binding_missed(ev)}

    def efficiency(self, config, out_dir, data_dir=None, year=None, config_path=None,
                   warn=None):
        """Load, check, run and write an efficiency config (lg_efficiency.h);
        returns {"crs", "firms", "classes": {cls: n}}."""
        opts = ["%s=%s" % kv for kv in (("DATA_DIR", data_dir), ("YEAR", year),
                                         ("CONFIG_PATH", config_path)) if kv[1]]
        c = self._L.lg_eff_config_load(self._ptr, config.encode("utf-8"), _opts(opts))
        self._checked(c, "lg_eff_config", "lg_eff_config_free", warn)
        e = self._own(self._L.lg_efficiency_run(self._ptr, c, None),
                      self._free_with_ctx("lg_efficiency_free"), None)
        if self._L.lg_efficiency_write(self._ptr, e, out_dir.encode("utf-8"), None) != 0:
            raise self.error()
        return {"crs": _s(self._L.lg_efficiency_crs(e)),
                "firms": self._L.lg_efficiency_firm_count(e),
                "classes": {k: self._L.lg_efficiency_class_count(e, k.encode())
                            for k in ("A", "B", "C", "D", "T", "N")}}
