"""Auto-answer: answering, unasked, the questions people type in chosen channels.

`policy` decides (pure: facts in, a decision out) and `settings` holds `[autoanswer]`; `store`
keeps channels, counts, drafts and grades per server; `intent` asks for Message Content only
when configured; `messages`, `buttons` and `commands` are its Discord side, which the cog
`bot.adapter.exts.autoanswer` puts together.
"""
