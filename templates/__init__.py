"""Templates shipped with petitionbot (package data; see ``core.shipped``): letters/*.docx,
messages/*.j2, taxonomy/*.toml, deadlines/profiles.toml, calendar/overrides.toml and
legal_basis.toml. Offices edit copies of them; these are the defaults."""
