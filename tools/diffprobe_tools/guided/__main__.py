import sys

from .convert import dispatch

sys.exit(dispatch())
