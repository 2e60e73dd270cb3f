"""Toezeggingen: promises made to a client, each with one owner and a due moment, kept until fulfilled or settled."""
