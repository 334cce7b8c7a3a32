"""Transcript text made on demand, the same every time, from (seed, index).

Nothing here is stored: a message's content is a pure function of the seed,
its global message index and a few facts taken from the generated arrays
(role, topic, HTTP status, completion tokens). That keeps a million messages
out of memory while every export page and transcript stays byte-identical.

The text is deliberately varied and partly hostile: markdown of every kind,
fenced code, non-Latin scripts, emoji, very long answers, text that looks like
Rich/Textual markup, and terminal escape sequences (never NUL).

`TextFactory` says what each message is, one at a time. Export pages ask for
thousands at once through `messages_json`, which makes the same strings with
array passes over the whole batch (a test holds the two equal).
"""

import threading
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii as _escape

import numpy as np

from sandbox.names import TOPICS

_MASK = (1 << 64) - 1

# Things a console must show inertly. Each is a complete snippet.
HOSTILE_SNIPPETS = (
    "Make the title [bold]really[/bold] stand out, like [red on white]this[/].",
    "A stray closing tag [/] should not break anything.",
    "[@click=app.quit]Click here to continue[/]",
    "See [link=https://example.com]our internal portal[/link] for details.",
    ":warning: Heads up :rocket: this uses shortcodes :smile:",
    "Clearing your screen now\x1b[2J\x1b[H... done.",
    "Window title test\x1b]0;pwned\x07 (did your title change?)",
    "Copied for you\x1b]52;c;cm0gLXJmIH4vKg==\x07 (check your clipboard)",
    "Total due: 100 USD\rTotal due: 999 USD",
    "Ding\x07\x07\x07 three bells",
    "\x1b[31mred alert\x1b[0m and \x1b[1;5mblinking bold\x1b[0m",
    "Back\x08\x08\x08\x08space and a form feed\x0c here",
    "Right-to-left override: \u202egnp.exe\u202c and zero\u200bwidth\u200bspaces",
    "[/bold italic] closes nothing [[double brackets]] and [b]unclosed",
    "Escaped markup \\[bold] and a trailing backslash \\",
)

NON_LATIN = (
    "ご質問ありがとうございます。請求書の内容を確認しました。"
    "追加の書類が二点必要です。今週中にご提出ください。",
    "شكراً لتواصلك معنا. راجعنا الطلب ووجدنا أن المستند الثاني مفقود. "
    "يرجى إرساله في أقرب وقت ممكن.",
    "Спасибо за вопрос. Мы проверили договор: срок уведомления "
    "о расторжении составляет тридцать дней.",
    "आपके प्रश्न के लिए धन्यवाद। हमने दस्तावेज़ की समीक्षा की है और दो बिंदुओं पर स्पष्टीकरण आवश्यक है।",
    "感谢您的耐心等待。我们已经核对了订单，预计三个工作日内发货。",
    "문의해 주셔서 감사합니다. 요청하신 보고서를 첨부했습니다.",
    "Ευχαριστούμε για το μήνυμά σας. Η αίτηση εγκρίθηκε σήμερα.",
)

NON_LATIN_ASKS = (
    "この請求の要点を三行でまとめてください。",
    "هل يمكنك تلخيص هذا العقد في خمس نقاط؟",
    "Объясни, пожалуйста, почему запрос выполняется так медленно?",
    "कृपया इस नीति का सारांश हिंदी में दें।",
    "请把这段话翻译成英文。",
)

EMOJI = ("✅", "🚀", "👍🏽", "📎", "⚠️", "🔥", "👨‍👩‍👧", "🇯🇵", "💡", "🙏", "📊")

SENTENCES = (
    "I reviewed the {noun} and the key points are below.",
    "The {noun} mentions a deadline of {n} days, which is tighter than usual.",
    "Based on the {noun}, the most likely next step is to confirm the details "
    "with the owner before anything is sent.",
    "There is no evidence in the {noun} that supports that conclusion.",
    "If you share the original {noun}, I can check the remaining sections.",
    "Two items stand out: the {noun} is missing a signature, and the amounts "
    "do not match the summary.",
    "Overall the {noun} looks consistent with what we saw last quarter.",
    "Note that the {noun} was updated on the {n}th, so older copies are stale.",
    "I would flag this {noun} for a second review given the amount involved.",
    "The short answer is yes, with one exception described below.",
    "Here is a draft you can adapt; keep the tone friendly but firm.",
    "This depends on the region: the rules for the {noun} differ in the EU.",
    "I could not find a {noun} with that reference; please double-check it.",
    "The figures add up to {n}, which matches the total in the {noun}.",
    "Let me know if you want a shorter version for the executive summary.",
)

ERROR_NOTES = (
    "Sorry, something went wrong while generating a response (HTTP {status}).",
    "The agent could not complete this request. Error {status}: please retry.",
    "⚠️ Upstream model unavailable ({status}). No answer was produced.",
    "Request rejected ({status}): the input could not be processed.",
)

FLAG_COMMENTS = (
    "This is wrong: the deductible is 500, not 250.",
    "Made up a clause that is not in the contract.",
    "Tone is rude to the customer.",
    "It cited a policy that was retired last year.",
    "Answer is in the wrong language.",
    "Contains personal data it should not repeat.",
    "The numbers in the table do not add up.",
    "Offensive joke in the second paragraph, please remove.",
)

FEEDBACK_COMMENTS = (
    "Great summary, saved me an hour.",
    "Too long, I only needed the first line.",
    "Exactly what I needed 👍",
    "Missed the most important point.",
    "Helpful but the format was odd.",
    "Wrong figures again.",
)

CODE_BLOCKS = (
    "```python\ndef total(items):\n    return sum(i.amount for i in items "
    'if i.status == "open")\n```',
    "```sql\nSELECT customer_id, count(*) AS orders\nFROM orders\n"
    "WHERE created_at >= date('now', '-30 days')\nGROUP BY customer_id\n"
    "ORDER BY orders DESC\nLIMIT 10;\n```",
    '```json\n{"status": "approved", "amount": 1250.5, "items": '
    '[1, 2, 3], "note": null}\n```',
    '```bash\ncurl -s -H "Authorization: Bearer $KEY" \\\n  '
    "https://api.example.com/v1/items | jq '.data[] | .id'\n```",
    '```\nTraceback (most recent call last):\n  File "app.py", line 42, in '
    "<module>\n    main()\nKeyError: 'customer_id'\n```",
)

SHOWCASE_KINDS = len(HOSTILE_SNIPPETS) + len(NON_LATIN) + 3
_POOL = 512
_BREAK = "\n\n"
# Escaped pieces kept at most; the pools and constant lists need about 7,000.
_ESCAPE_CACHE = 50_000


def _mix(value: int) -> int:
    """The splitmix64 finaliser: a well-spread 64-bit hash of an integer."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def _mix_array(values: np.ndarray) -> np.ndarray:
    """`_mix` of every element of a uint64 array (numpy wraps like `& _MASK`)."""
    values = values + np.uint64(0x9E3779B97F4A7C15)
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def stable_hash(*keys: int) -> int:
    """A 64-bit hash of integers that is the same in every process and run."""
    state = 0x5EED
    for key in keys:
        state = _mix(state ^ (key & _MASK))
    return state


class _Draw:
    """A tiny deterministic random stream for one piece of text."""

    __slots__ = ("state",)

    def __init__(self, *keys: int) -> None:
        self.state = stable_hash(*keys)

    @classmethod
    def at(cls, key: int, index: int) -> "_Draw":
        """The stream for item `index` under a key made once by `stable_hash`."""
        draw = cls.__new__(cls)
        draw.state = _mix(key ^ index)
        return draw

    def below(self, bound: int) -> int:
        """A number in [0, bound)."""
        self.state = _mix(self.state)
        return self.state % bound

    def chance(self, per_thousand: int) -> bool:
        """True with probability per_thousand / 1000."""
        return self.below(1000) < per_thousand

    def pick(self, options: tuple[str, ...]) -> str:
        """One of the options."""
        return options[self.below(len(options))]


class _Draws:
    """`_Draw` for many items at once: each item's stream advances on its own.

    `below(bound, rows)` draws once for the items at `rows` (positions in
    the batch). A branch that only some items take draws for those only, so
    every item sees exactly the values its own `_Draw.at` would give.
    """

    def __init__(self, key: int, indexes: np.ndarray) -> None:
        self.state = _mix_array(indexes.astype(np.uint64) ^ np.uint64(key))

    def below(self, bound: int | np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The next number in [0, bound) of each item at `rows` (bound per row)."""
        state = _mix_array(self.state[rows])
        self.state[rows] = state
        return (state % np.asarray(bound, dtype=np.uint64)).astype(np.int64)


@dataclass(frozen=True)
class _Escaped:
    """Every piece a batch puts together, JSON-escaped once (without quotes).

    Pool tables are flat over topics: piece `i` of topic `t` is at
    `t * _POOL + i`. Pieces that follow another carry their separator.
    """

    openings: list[str]
    break_openings: list[str]
    break_blocks: list[str]
    opening_sizes: np.ndarray  # len(opening)
    block_sizes: np.ndarray  # len(block) + len(_BREAK)
    ask_counts: np.ndarray
    noun_counts: np.ndarray
    non_latin_asks: list[str]
    non_latin: list[str]
    break_non_latin: list[str]
    hostile_before: list[str]
    hostile_after: list[str]
    emoji_after: list[str]
    pasted_heading: str


def _escaped(text: str) -> str:
    """`text` as the inside of an ASCII JSON string literal."""
    return _escape(text)[1:-1]


def _joined(
    rows: np.ndarray, steps: list[tuple[np.ndarray, np.ndarray]], table: list[str]
) -> list[str]:
    """For each of `rows`, the table entries it drew in a loop, in order, joined.

    `steps` holds one (rows, values) pair per pass of the loop; every row
    that drew is among `rows`, which are ascending.
    """
    if not steps:
        return [""] * len(rows)
    drew = np.concatenate([row for row, _ in steps])
    values = np.concatenate([value for _, value in steps])
    in_order = values[np.argsort(drew, kind="stable")].tolist()
    pieces = list(map(table.__getitem__, in_order))
    counts = np.bincount(drew, minlength=int(rows.max(initial=0)) + 1)[rows]
    ends = np.cumsum(counts)
    return [
        "".join(pieces[start:end])
        for start, end in zip((ends - counts).tolist(), ends.tolist(), strict=True)
    ]


class TextFactory:
    """Message, flag and feedback text for one organisation seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._keys = [stable_hash(seed, kind) for kind in range(5)]
        # Answers are assembled from pools of blocks made from the seed (per
        # topic, on first use), so that a message costs a few draws rather
        # than dozens. A pool is the same whichever thread builds it first.
        self._pools: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._escaped: dict[str, str] = {}
        self._batch_pieces: _Escaped | None = None
        self._batch_lock = threading.Lock()

    def _pool(self, topic: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The opening paragraphs and the blocks of answers about `topic`."""
        pool = self._pools.get(topic)
        if pool is None:
            words = TOPICS[topic]
            openings = tuple(
                self._paragraph(_Draw(self.seed, 10, topic, i), words, 1 + i % 3)
                for i in range(_POOL)
            )
            blocks = tuple(
                self._block(_Draw(self.seed, 11, topic, i), words) for i in range(_POOL)
            )
            pool = self._pools[topic] = (openings, blocks)
        return pool

    def user_message(self, index: int, topic: int, showcase: int = -1) -> str:
        """The content of user message `index` in an agent of `topic`."""
        return "".join(self._user_pieces(index, topic, showcase))

    def agent_message(
        self,
        index: int,
        topic: int,
        http_status: int,
        completion_tokens: int,
        showcase: int = -1,
    ) -> str:
        """The content of agent message `index`: an answer sized by its tokens."""
        pieces = self._agent_pieces(
            index, topic, http_status, completion_tokens, showcase
        )
        return "".join(pieces)

    def user_message_json(self, index: int, topic: int, showcase: int = -1) -> str:
        """`user_message` as a JSON string literal, escaped to ASCII."""
        return self._json(self._user_pieces(index, topic, showcase))

    def agent_message_json(
        self,
        index: int,
        topic: int,
        http_status: int,
        completion_tokens: int,
        showcase: int = -1,
    ) -> str:
        """`agent_message` as a JSON string literal, escaped to ASCII."""
        pieces = self._agent_pieces(
            index, topic, http_status, completion_tokens, showcase
        )
        return self._json(pieces)

    def messages_json(
        self,
        indexes: np.ndarray,
        topics: np.ndarray,
        agent: np.ndarray,
        http_statuses: np.ndarray,
        completion_tokens: np.ndarray,
        showcases: np.ndarray,
    ) -> list[str]:
        """Many messages' `*_message_json` at once (one array entry per message).

        The same strings as one call per message, made in a few array passes
        over the batch instead of dozens of scalar draws per message: this
        is what keeps an export page of 5,000 messages cheap. Showcase and
        failed answers, which are rare, are made one by one.
        """
        topics = topics.astype(np.int64) % len(TOPICS)
        special = showcases >= 0
        failed = agent & (http_statuses >= 300) & ~special
        texts = [""] * len(indexes)
        for row in np.flatnonzero(special | failed).tolist():
            index, topic, showcase = (
                int(indexes[row]),
                int(topics[row]),
                int(showcases[row]),
            )
            if agent[row]:
                status, tokens = int(http_statuses[row]), int(completion_tokens[row])
                texts[row] = self.agent_message_json(
                    index, topic, status, tokens, showcase
                )
            else:
                texts[row] = self.user_message_json(index, topic, showcase)

        users = np.flatnonzero(~agent & ~special)
        made = self._users_json(indexes[users], topics[users])
        for row, text in zip(users.tolist(), made, strict=True):
            texts[row] = text

        answers = np.flatnonzero(agent & ~special & ~failed)
        made = self._answers_json(
            indexes[answers], topics[answers], completion_tokens[answers]
        )
        for row, text in zip(answers.tolist(), made, strict=True):
            texts[row] = text
        return texts

    def _pieces(self) -> _Escaped:
        """The escaped pieces of every topic, made once (all pools at once)."""
        if self._batch_pieces is None:
            with self._batch_lock:
                if self._batch_pieces is None:
                    self._batch_pieces = self._escape_pieces()
        return self._batch_pieces

    def _escape_pieces(self) -> _Escaped:
        pools = [self._pool(topic) for topic in range(len(TOPICS))]
        openings = [text for opening, _ in pools for text in opening]
        blocks = [text for _, block in pools for text in block]
        return _Escaped(
            openings=[_escaped(text) for text in openings],
            break_openings=[_escaped(_BREAK + text) for text in openings],
            break_blocks=[_escaped(_BREAK + text) for text in blocks],
            opening_sizes=np.array([len(text) for text in openings], dtype=np.int64),
            block_sizes=np.array(
                [len(text) + len(_BREAK) for text in blocks], dtype=np.int64
            ),
            ask_counts=np.array([len(w["asks"]) for w in TOPICS], dtype=np.uint64),
            noun_counts=np.array([len(w["nouns"]) for w in TOPICS], dtype=np.uint64),
            non_latin_asks=[_escaped(text) for text in NON_LATIN_ASKS],
            non_latin=[_escaped(text) for text in NON_LATIN],
            break_non_latin=[_escaped(_BREAK + text) for text in NON_LATIN],
            hostile_before=[_escaped(text + _BREAK) for text in HOSTILE_SNIPPETS],
            hostile_after=[_escaped(_BREAK + text) for text in HOSTILE_SNIPPETS],
            emoji_after=[_escaped(" " + text) for text in EMOJI],
            pasted_heading=_escaped("\n\nHere is the full text:"),
        )

    def _users_json(self, indexes: np.ndarray, topics: np.ndarray) -> list[str]:
        """`_user_pieces` of many messages (no showcase), as JSON literals."""
        pieces = self._pieces()
        count = len(indexes)
        every = np.arange(count)
        draws = _Draws(self._keys[1], indexes)
        roll = draws.below(1000, every)
        first = [""] * count

        non_latin = np.flatnonzero(roll < 30)
        picked = draws.below(len(NON_LATIN_ASKS), non_latin)
        for row, choice in zip(non_latin.tolist(), picked.tolist(), strict=True):
            first[row] = pieces.non_latin_asks[choice]

        asking = np.flatnonzero(roll >= 30)
        topic = topics[asking]
        ask = draws.below(pieces.ask_counts[topic], asking)
        number = 1000 + draws.below(9000, asking)
        quick = draws.below(1000, asking) < 300
        noun = np.full(len(asking), -1)
        noun[quick] = draws.below(pieces.noun_counts[topic[quick]], asking[quick])
        short = draws.below(1000, asking) < 150
        for row, t, a, n, about, brief in zip(
            asking.tolist(),
            topic.tolist(),
            ask.tolist(),
            number.tolist(),
            noun.tolist(),
            short.tolist(),
            strict=True,
        ):
            words = TOPICS[t]
            text = words["asks"][a].format(n=n)
            if about >= 0:
                text = f"Quick one about the {words['nouns'][about]}. " + text
            if brief:
                text += " Keep it under 100 words."
            first[row] = _escaped(text)

        pasting = np.flatnonzero(roll >= 960)
        lengths = 8 + draws.below(16, pasting)
        steps = []
        for step in range(int(lengths.max(initial=0))):
            rows = pasting[lengths > step]
            steps.append((rows, topics[rows] * _POOL + draws.below(_POOL, rows)))
        pasted = _joined(pasting, steps, pieces.break_openings)
        for row, text in zip(pasting.tolist(), pasted, strict=True):
            first[row] += pieces.pasted_heading + text

        self._finish_hostile(draws, first, 25)
        emoji = np.flatnonzero(draws.below(1000, every) < 60)
        for row, choice in zip(
            emoji.tolist(), draws.below(len(EMOJI), emoji).tolist(), strict=True
        ):
            first[row] += pieces.emoji_after[choice]
        return ['"' + text + '"' for text in first]

    def _answers_json(
        self, indexes: np.ndarray, topics: np.ndarray, completion_tokens: np.ndarray
    ) -> list[str]:
        """`_agent_pieces` of many answered messages (no showcase), as JSON literals."""
        pieces = self._pieces()
        count = len(indexes)
        every = np.arange(count)
        draws = _Draws(self._keys[2], indexes)
        target = np.minimum(
            np.maximum(completion_tokens.astype(np.int64) * 4, 40), 24_000
        )
        chance = draws.below(1000, every)
        texts = [""] * count

        non_latin = np.flatnonzero(chance < 35)
        first = draws.below(len(NON_LATIN), non_latin)
        repeats = target[non_latin] // 400
        steps = []
        for step in range(int(repeats.max(initial=0))):
            rows = non_latin[repeats > step]
            steps.append((rows, draws.below(len(NON_LATIN), rows)))
        following = _joined(non_latin, steps, pieces.break_non_latin)
        for row, choice, text in zip(
            non_latin.tolist(), first.tolist(), following, strict=True
        ):
            texts[row] = pieces.non_latin[choice] + text

        answering = np.flatnonzero(chance >= 35)
        base = topics[answering] * _POOL
        opening = base + draws.below(_POOL, answering)
        size = pieces.opening_sizes[opening]
        wanted = target[answering]
        steps = []
        live = np.flatnonzero(size < wanted)
        while len(live):
            rows = answering[live]
            block = base[live] + draws.below(_POOL, rows)
            steps.append((rows, block))
            size[live] += pieces.block_sizes[block]
            live = live[size[live] < wanted[live]]
        blocks = _joined(answering, steps, pieces.break_blocks)
        for row, choice, text in zip(
            answering.tolist(), opening.tolist(), blocks, strict=True
        ):
            texts[row] = pieces.openings[choice] + text

        self._finish_hostile(draws, texts, 20)
        return ['"' + text + '"' for text in texts]

    def _finish_hostile(
        self, draws: _Draws, texts: list[str], per_thousand: int
    ) -> None:
        """`_with_hostile` for the items whose next draw says so, in place."""
        pieces = self._pieces()
        every = np.arange(len(texts))
        hostile = np.flatnonzero(draws.below(1000, every) < per_thousand)
        snippet = draws.below(len(HOSTILE_SNIPPETS), hostile).tolist()
        after = draws.below(2, hostile).tolist()
        for row, choice, at_end in zip(hostile.tolist(), snippet, after, strict=True):
            if at_end:
                texts[row] += pieces.hostile_after[choice]
            else:
                texts[row] = pieces.hostile_before[choice] + texts[row]

    def _json(self, pieces: list[str]) -> str:
        # JSON escaping is piecewise, and most pieces come from the pools or
        # the constant lists, so each is escaped once and then looked up.
        escaped = self._escaped
        parts = ['"']
        for piece in pieces:
            text = escaped.get(piece)
            if text is None:
                text = _escape(piece)[1:-1]
                if len(escaped) < _ESCAPE_CACHE:
                    escaped[piece] = text
            parts.append(text)
        parts.append('"')
        return "".join(parts)

    def _user_pieces(self, index: int, topic: int, showcase: int) -> list[str]:
        draw = _Draw.at(self._keys[1], index)
        topic %= len(TOPICS)
        words = TOPICS[topic]
        if showcase >= 0:
            return [self._showcase(draw, showcase, topic, user=True)]
        roll = draw.below(1000)
        pieces = [draw.pick(NON_LATIN_ASKS) if roll < 30 else self._ask(draw, words)]
        if roll >= 960:
            pieces += self._pasted_document(draw, topic)
        if draw.chance(25):
            self._with_hostile(draw, pieces)
        if draw.chance(60):
            pieces += (" ", draw.pick(EMOJI))
        return pieces

    def _agent_pieces(
        self,
        index: int,
        topic: int,
        http_status: int,
        completion_tokens: int,
        showcase: int,
    ) -> list[str]:
        draw = _Draw.at(self._keys[2], index)
        topic %= len(TOPICS)
        if showcase >= 0:
            return [self._showcase(draw, showcase, topic, user=False)]
        if http_status >= 300:
            return [draw.pick(ERROR_NOTES).format(status=http_status)]
        target = min(max(completion_tokens * 4, 40), 24_000)
        if draw.chance(35):
            pieces = [draw.pick(NON_LATIN)]
            for _ in range(target // 400):
                pieces += (_BREAK, draw.pick(NON_LATIN))
        else:
            pieces = self._answer(draw, topic, target)
        if draw.chance(20):
            self._with_hostile(draw, pieces)
        return pieces

    def flag_comment(self, index: int) -> str:
        """The comment left with flag `index` (the caller decides if there is one)."""
        draw = _Draw.at(self._keys[3], index)
        if draw.chance(120):
            return draw.pick(HOSTILE_SNIPPETS)
        text = draw.pick(FLAG_COMMENTS)
        if draw.chance(100):
            text += " " + draw.pick(NON_LATIN_ASKS)
        return text

    def feedback_comment(self, index: int) -> str:
        """The qualitative comment of feedback `index`."""
        draw = _Draw.at(self._keys[4], index)
        if draw.chance(60):
            return draw.pick(HOSTILE_SNIPPETS)
        return draw.pick(FEEDBACK_COMMENTS)

    def _ask(self, draw: _Draw, words: dict[str, tuple[str, ...]]) -> str:
        text = draw.pick(words["asks"]).format(n=1000 + draw.below(9000))
        if draw.chance(300):
            noun = draw.pick(words["nouns"])
            text = f"Quick one about the {noun}. " + text
        if draw.chance(150):
            text += " Keep it under 100 words."
        return text

    def _pasted_document(self, draw: _Draw, topic: int) -> list[str]:
        openings, _ = self._pool(topic)
        pieces = ["\n\nHere is the full text:"]
        for _ in range(8 + draw.below(16)):
            pieces += (_BREAK, openings[draw.below(_POOL)])
        return pieces

    def _answer(self, draw: _Draw, topic: int, target: int) -> list[str]:
        openings, pool = self._pool(topic)
        pieces = [openings[draw.below(_POOL)]]
        size = len(pieces[0])
        while size < target:
            block = pool[draw.below(_POOL)]
            pieces += (_BREAK, block)
            size += len(block) + 2
        return pieces

    def _block(self, draw: _Draw, words: dict[str, tuple[str, ...]]) -> str:
        roll = draw.below(100)
        if roll < 38:
            return self._paragraph(draw, words, 2 + draw.below(4))
        if roll < 52:
            return "\n".join(
                f"- {self._sentence(draw, words)}" for _ in range(2 + draw.below(5))
            )
        if roll < 60:
            return "\n".join(
                f"{i}. {self._sentence(draw, words)}"
                for i in range(1, 3 + draw.below(5))
            )
        if roll < 68:
            level = "#" * (1 + draw.below(3))
            return f"{level} {draw.pick(words['nouns']).capitalize()} notes"
        if roll < 76:
            return self._table(draw, words)
        if roll < 85:
            return draw.pick(CODE_BLOCKS)
        if roll < 90:
            return "> " + self._sentence(draw, words)
        if roll < 95:
            return draw.pick(NON_LATIN)
        if roll < 98:
            return " ".join(draw.pick(EMOJI) for _ in range(1 + draw.below(6)))
        return "**Summary:** _" + self._sentence(draw, words) + "_"

    def _table(self, draw: _Draw, words: dict[str, tuple[str, ...]]) -> str:
        rows = ["| Item | Status | Amount |", "|---|---|---:|"]
        for _ in range(2 + draw.below(6)):
            noun = draw.pick(words["nouns"])
            status = ("open", "closed", "pending", "n/a")[draw.below(4)]
            amount = f"{draw.below(100_000) / 100:.2f}"
            rows.append(f"| {noun} | {status} | {amount} |")
        return "\n".join(rows)

    def _paragraph(
        self, draw: _Draw, words: dict[str, tuple[str, ...]], sentences: int
    ) -> str:
        return " ".join(self._sentence(draw, words) for _ in range(sentences))

    def _sentence(self, draw: _Draw, words: dict[str, tuple[str, ...]]) -> str:
        return draw.pick(SENTENCES).format(
            noun=draw.pick(words["nouns"]), n=2 + draw.below(60)
        )

    def _with_hostile(self, draw: _Draw, pieces: list[str]) -> None:
        snippet = draw.pick(HOSTILE_SNIPPETS)
        if draw.below(2):
            pieces += (_BREAK, snippet)
        else:
            pieces[:0] = (snippet, _BREAK)

    def _showcase(
        self,
        draw: _Draw,
        kind: int,
        topic: int,
        user: bool,
    ) -> str:
        """Text that is sure to contain special kind `kind` (see SHOWCASE_KINDS)."""
        words = TOPICS[topic]
        hostile = len(HOSTILE_SNIPPETS)
        if kind < hostile:
            return f"{self._sentence(draw, words)}\n\n{HOSTILE_SNIPPETS[kind]}"
        kind -= hostile
        if kind < len(NON_LATIN):
            return NON_LATIN[kind]
        kind -= len(NON_LATIN)
        if kind == 0:
            return "".join(self._answer(draw, topic, 9_000))
        if kind == 1:
            return "\n\n".join(
                [
                    f"# {draw.pick(words['nouns']).capitalize()} report",
                    self._table(draw, words),
                    *CODE_BLOCKS,
                ]
            )
        return " ".join(EMOJI) if user else "Done ✅ " + " ".join(EMOJI)
