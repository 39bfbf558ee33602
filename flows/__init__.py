"""Business logic of petitionbot. Never imports Playwright: flows receive a robot."""
