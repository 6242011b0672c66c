"""Crisis safety: the screen that reads every message, the hand-off resources,
and the flags that tell staff a conversation needs follow-up.

Other packages import from here only for safety; general helpers (the clock,
the database) live outside it. tests/test_package_map.py lists the names
other packages may use and fails on anything else.
"""
