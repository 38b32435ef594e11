from qgis.core import QgsApplication

from .provider import LibgeoProvider


class LibgeoPlugin:
    """Registers the Processing provider; the plugin has no other GUI."""

    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):
        self.provider = LibgeoProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        self.initProcessing()

    def unload(self):
        if self.provider:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
