import sys

from petitionbot.sim.hotline.cli import main

sys.exit(main())
