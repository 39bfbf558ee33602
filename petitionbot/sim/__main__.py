import sys

from petitionbot.sim.cli import main

sys.exit(main())
