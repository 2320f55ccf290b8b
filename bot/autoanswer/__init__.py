"""Auto-answer: answering, unasked, the questions people type in chosen channels.

`policy` decides (pure: facts in, a decision out), `settings` holds the `[autoanswer]` section;
the Discord side is `bot.exts.autoanswer`, the stored channels and grades `bot.autoanswer.store`.
"""
