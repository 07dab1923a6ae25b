"""Word lists and templates of the synthetic reference dataset (see ``synthetic``).

Everything here is invented for this project. The insults are deliberately mild and generic: the
dataset exists to exercise the classifier market end to end, not to model real abuse.
Template slots are ``{name}`` fields filled from ``SLOTS``.
"""

from __future__ import annotations

SLOTS: dict[str, tuple[str, ...]] = {
    "greeting": ("gm", "hey all", "hi everyone", "morning folks", "hello", "yo", "good evening"),
    "topic": (
        "the treasury report",
        "the new ranking model",
        "the dividend epoch",
        "the moderation queue",
        "proposal 14",
        "the reserve floor",
        "the classifier registry",
        "the bounty pool",
        "the roadmap",
        "the last community call",
        "the feed update",
        "the governance forum",
        "the delegation guide",
    ),
    "opinion": (
        "looks solid to me",
        "needs more detail",
        "is a step in the right direction",
        "seems rushed",
        "could use a second look",
        "made my feed much better",
        "is confusing on mobile",
        "is well documented",
        "raises good questions",
        "feels too expensive",
        "is overdue",
    ),
    "reason": (
        "the numbers add up",
        "the runway matters more",
        "we tested it last epoch",
        "the risk is too high",
        "members asked for it",
        "the docs are unclear",
        "it helps small holders",
        "the costs are too high",
    ),
    "side": ("for", "against", "yes", "no", "abstain"),
    "when": ("tomorrow", "on friday", "in two days", "tonight", "next week", "at the end of the epoch"),
    "thing": (
        "the new feed filter",
        "self delegation",
        "the signing page",
        "the mobile app",
        "the dark mode",
        "the proposal template",
        "the claim button",
        "the weekly digest",
        "the spam filter",
    ),
    "feeling": ("excited", "worried", "curious", "happy", "unsure", "impressed", "tired"),
    "insult_noun": (
        "idiot",
        "moron",
        "clown",
        "loser",
        "fool",
        "troll",
        "joke",
        "bozo",
        "creep",
        "dimwit",
    ),
    "insult_adj": (
        "pathetic",
        "stupid",
        "worthless",
        "dumb",
        "brainless",
        "useless",
        "disgusting",
        "clueless",
        "hopeless",
        "ridiculous",
    ),
    "dismissal": (
        "shut up",
        "get lost",
        "go away",
        "nobody asked you",
        "log off forever",
        "crawl back under your rock",
        "nobody wants you here",
        "stop posting",
    ),
    "target": ("you", "the mods", "whoever wrote this", "the dev team", "people like you", "this whole crowd"),
    "offer": (
        "free tokens",
        "a guaranteed 10x",
        "instant profits",
        "a secret presale",
        "free nft mints",
        "doubled deposits",
        "exclusive signals",
        "a bonus airdrop",
        "cheap followers",
    ),
    "call": (
        "click here",
        "claim now",
        "dm me",
        "join fast",
        "act now",
        "limited spots",
        "sign up today",
        "send 1 eth and get 2 back",
        "hurry before it ends",
        "dont miss out",
    ),
    "url": (
        "http://free-claim.xyz/now",
        "https://bonus-drop.click/go",
        "http://moon-gains.top/join",
        "https://get-rich.win/claim",
        "http://airdrop-claim.site/verify",
        "https://x10-signals.biz/vip",
    ),
    "safe_url": (
        "https://docs.example.org/governance",
        "https://forum.example.org/t/14",
        "https://example.org/roadmap",
    ),
    "handle": ("@alpha_signals", "@cryptoking99", "@freemints", "@moonboy", "@vip_calls"),
    "hype": ("🚀🚀🚀", "💰💰", "!!!", "🔥🔥🔥", "💎🙌", "$$$"),
}

NEUTRAL = (
    "{greeting}, what do people think about {topic}? I think it {opinion}.",
    "I'm voting {side} on {topic} because {reason}.",
    "Has anyone tried {thing}? It {opinion}.",
    "{topic} {opinion}. The vote closes {when}.",
    "Feeling {feeling} about {topic}, mostly because {reason}.",
    "Quick reminder: {topic} is up for discussion {when}.",
    "{greeting}! I wrote a summary of {topic}, happy to take feedback.",
    "Not sure {thing} works for me, {reason}.",
    "Thanks to everyone who joined {topic}, it {opinion}.",
    "Can someone explain {topic}? I'm {feeling} and a bit lost.",
)

# Criticism, self-deprecation and strong words that are not abuse: the hard negatives of toxicity.
TOUGH_BUT_FINE = (
    "I strongly disagree with {topic}, {reason}.",
    "Stupid question maybe, but how does {thing} work?",
    "I feel dumb for missing the vote on {topic}.",
    "Honestly {topic} is a mess right now and {reason}.",
    "This is a bad idea: {reason}. Voting {side}.",
    "The old version of {thing} was useless, glad it changed.",
)

TOXIC = (
    "{dismissal}, you {insult_adj} {insult_noun}.",
    "{target} {dismissal}. Absolutely {insult_adj}.",
    "Only a {insult_adj} {insult_noun} would vote {side} on {topic}.",
    "{greeting}, {target} are a bunch of {insult_adj} {insult_noun}s.",
    "What a {insult_adj} take, {dismissal} {insult_noun}.",
    "{topic} {opinion} but {target} is a {insult_noun}, {dismissal}.",
    "You {insult_adj} {insult_noun}, {dismissal}.",
)

SPAM = (
    "{offer}!!! {call} {url} {hype}",
    "{greeting} {call}: {offer} at {url}",
    "{hype} {offer} for the first 100 members, {call} {url}",
    "Follow {handle} for {offer} {hype} {call}",
    "{topic} {opinion}. Btw {offer} here {url}",
    "{call}! {call}! {offer} {hype}",
    "Want {offer}? {call} {handle} {hype}",
)

# Links, airdrop talk and excitement that are not spam: the hard negatives of spam.
LINKS_BUT_FINE = (
    "Notes from {topic} are up at {safe_url}",
    "Is the airdrop snapshot for {topic} taken {when}?",
    "Excited about {thing} {hype} it {opinion}.",
    "Read {safe_url} before voting {side} on {topic}.",
    "Who else got their dividend claim through {when}? {thing} {opinion}.",
)
