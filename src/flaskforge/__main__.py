"""``python -m flaskforge``: the command line, as the ``flaskforge`` script runs it."""

from flaskforge.cli import main

main()
