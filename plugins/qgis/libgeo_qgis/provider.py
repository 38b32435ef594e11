"""The Processing provider: the libgeo algorithms in the toolbox."""
from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from . import binding
from .algorithms import ALGORITHMS
from .algorithms.base import ICON


class LibgeoProvider(QgsProcessingProvider):
    def id(self):
        return "libgeo"

    def name(self):
        return "libgeo 规划分析"

    def longName(self):
        return "libgeo planning analysis 规划分析 (libgeo %s)" % self.versionInfo()

    def icon(self):
        return QIcon(ICON)

    def versionInfo(self):
        try:
            return binding.version()
        except binding.LibgeoError:
            return "not found"  # the algorithms say why when run

    def loadAlgorithms(self):
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())
