"""libgeo for QGIS: the libgeo planning indicators in the Processing toolbox."""


def classFactory(iface):
    from .plugin import LibgeoPlugin
    return LibgeoPlugin(iface)
