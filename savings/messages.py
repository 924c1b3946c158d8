"""Strings other apps' templates and tags show for simpan-pinjam (the workspace tab, the board's menu, the kinds
of posting on a member's statement): listed here so this app's Indonesian catalogue (savings/locale) carries
them without touching the project's shared catalogue."""


def gettext_noop(message: str) -> str:
    return message


SHOWN_ELSEWHERE = (
    gettext_noop("Passbook"),
    gettext_noop("Savings and loans"),
    gettext_noop("Savings"),
    gettext_noop("Money loan"),
    gettext_noop("Surplus share (SHU)"),
)
