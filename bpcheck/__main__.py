"""python -m bpcheck"""

from .cli import main

main(prog_name="bpcheck")
