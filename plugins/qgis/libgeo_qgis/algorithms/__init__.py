from .kernels import KERNELS
from .workflows import Efficiency, Evaluate, Screen

ALGORITHMS = KERNELS + [Screen, Evaluate, Efficiency]
