"""The peer's bookkeeping: bans expire, remembered hashes are bounded."""

from walton.node.p2p.peer import BanList, KnownSet


def test_a_ban_lasts_its_time_then_expires() -> None:
    now = [1000.0]
    bans = BanList(300, clock=lambda: now[0])
    bans.ban(b"peer")
    assert bans.is_banned(b"peer") and not bans.is_banned(b"other")
    now[0] += 299
    assert bans.is_banned(b"peer")
    now[0] += 2
    assert not bans.is_banned(b"peer")


def test_known_hashes_forget_the_oldest_first() -> None:
    known = KnownSet(limit=3)
    for item in (b"a", b"b", b"c", b"a", b"d"):  # re-adding "a" makes it the newest
        known.add(item)
    assert b"b" not in known and all(item in known for item in (b"a", b"c", b"d"))
