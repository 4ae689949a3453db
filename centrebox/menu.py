"""The menu entry of the centre's e-Box: shown only to the members who may open it."""

from primaweb.menu import Entry


class InboxEntry(Entry):
    # No count beside the label: the menu counts per centre, and a member must not count the types
    # they were not granted.
    def visible_to(self, membership) -> bool:
        from .selectors import may_open_inbox

        return super().visible_to(membership) and may_open_inbox(membership=membership)
