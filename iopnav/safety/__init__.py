"""Crisis safety: the screen that reads every message, the hand-off resources,
and the flags that tell staff a conversation needs follow-up."""
