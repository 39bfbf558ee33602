import sys

from petitionbot.cli import main

sys.exit(main())
