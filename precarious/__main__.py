"""python -m precarious"""

from precarious.cli import run

run()
