"""A routing (who makes how many units of which line in which week) and its true cost."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problem import Bundled, Problem


@dataclass
class Routing:
    """A routing as parallel arrays (indices into the Problem's sorted members and lines)."""

    line: np.ndarray
    member: np.ndarray
    week: np.ndarray
    qty: np.ndarray
    unrouted: np.ndarray  # (L,) units left unrouted per line

    @staticmethod
    def join(*parts: Routing) -> Routing:
        arrays = [np.concatenate([getattr(r, name) for r in parts]) for name in ("line", "member", "week", "qty")]
        return Routing(*arrays, unrouted=sum(r.unrouted for r in parts))

    def week_units(self, p: Problem) -> np.ndarray:
        n = np.zeros_like(p.load)
        np.add.at(n, (self.member, self.week), self.qty)
        return n

    def breakdown(self, p: Problem) -> dict[str, float]:
        """True float cost by component, straight from the formulas in docs/pooling-engine.md."""
        w = p.instance.weights
        d = p.origin[self.line] - p.location[self.member]
        transport = w.distance * float(np.dot(self.qty, np.hypot(d[:, 0], d[:, 1])))
        pref = p.preferred[self.line]
        missed = float(self.qty[(pref >= 0) & (pref != self.member)].sum())
        n = self.week_units(p)
        used = n > 0
        k, load, cap = n[used], p.load[used], p.capacity[used]
        fairness = w.fairness * float(np.sum((k * load + k * (k + 1) / 2) / cap))
        return {
            "transport": transport,
            "preference": w.preference * missed,
            "fairness": fairness,
            "unrouted": w.unrouted * float(self.unrouted.sum()),
        }

    def cost(self, p: Problem) -> float:
        return float(sum(self.breakdown(p).values()))

    def problems(self, p: Problem) -> list[str]:
        """Every way this routing breaks the rules of a feasible routing (empty if none)."""
        found: list[str] = []
        if (self.qty <= 0).any() or (self.unrouted < 0).any():
            found.append("non-positive assignment or negative unrouted quantity")
        sent = np.bincount(self.line, weights=self.qty, minlength=p.n_lines).astype(np.int64)
        for line in np.flatnonzero(sent + self.unrouted != p.quantity)[:3].tolist():
            found.append(f"line {p.line_ids[line]}: units do not add up to its quantity")
        skilled = np.zeros((len(p.class_names), p.n_members), dtype=bool)
        for c, cols in enumerate(p.class_members):
            skilled[c, cols] = True
        if not skilled[p.line_class[self.line], self.member].all():
            found.append("a member without the skill got units")
        if (self.week > p.last_week[self.line]).any() or (self.week < 0).any():
            found.append("units made after the due week")
        if (self.week_units(p) > p.spare).any():
            found.append("a member-week got more than its spare capacity")
        split = p.splittable[self.line]
        pieces = np.bincount(self.line[~split], minlength=p.n_lines)
        whole = ~p.splittable & (p.quantity > 0)
        if ((pieces[whole] > 1) | ((pieces[whole] == 1) & (self.unrouted[whole] > 0))).any():
            found.append("an unsplittable line was split")
        return found


def unbundle(p: Problem, bundles: Bundled, routing: Routing) -> Routing:
    """Hand a bundle's units to its lines in id order; the last units stay unrouted.

    Any split is as good as another: the lines of a bundle cost the same
    everywhere.
    """
    out: list[tuple[int, int, int, int]] = []
    unrouted = np.zeros(p.n_lines, dtype=np.int64)
    quantity = bundles.problem.quantity
    line_qty = p.quantity.tolist()
    pieces: dict[int, list[tuple[int, int, int]]] = {}
    for b, j, w, q in zip(routing.line.tolist(), routing.member.tolist(), routing.week.tolist(), routing.qty.tolist()):
        pieces.setdefault(b, []).append((j, w, q))
    for b, lines in enumerate(bundles.lines):
        if lines.size == 1:  # the common case: nothing to hand out
            line = int(lines[0])
            out.extend((line, j, w, q) for j, w, q in pieces.get(b, ()))
            unrouted[line] = routing.unrouted[b]
            continue
        queue = [list(x) for x in pieces.get(b, ())]
        for line in lines.tolist():
            need = line_qty[line]
            while need and queue:
                j, w, q = queue[0]
                take = min(need, q)
                out.append((line, j, w, take))
                need -= take
                queue[0][2] -= take
                if queue[0][2] == 0:
                    queue.pop(0)
            unrouted[line] = need
        assert unrouted[lines].sum() == routing.unrouted[b] or quantity[b] == 0
    arr = np.array(out, dtype=np.int64).reshape(-1, 4)
    return Routing(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], unrouted)
