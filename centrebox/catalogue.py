"""Names of the e-Box's message types and senders, in the reader's language (`MessageTypeName`,
`SenderName`): the inbox, a message, the search and the grants show names, never bare codes."""

from .models import CentreMessage, MessageTypeName, SenderName


def type_names(language: str | None = None) -> dict[str, str]:
    return {row.code: row.label(language) for row in MessageTypeName.objects.all()}


def type_choices(codes, language: str | None = None) -> list[tuple[str, str]]:
    """(code, « name (code) ») for `codes`, sorted by name; an unknown code is shown as it is."""
    names = type_names(language)
    choices = [(code, f"{names[code]} ({code})" if code in names else code) for code in codes]
    return sorted(choices, key=lambda choice: choice[1].casefold())


def name_messages(messages) -> list[CentreMessage]:
    """Gives each message its `type_name` and `sender_name` (two queries for a whole page)."""
    messages = list(messages)
    types = type_names()
    senders = {
        row.identifier: row.name()
        for row in SenderName.objects.filter(
            identifier__in={m.sender for m in messages if not m.sender_is_citizen}
        )
    }
    for message in messages:
        message.type_name = types.get(message.message_type, message.message_type)
        message.sender_name = "" if message.sender_is_citizen else senders.get(message.sender, "")
    return messages
