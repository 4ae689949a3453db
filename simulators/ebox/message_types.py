"""The message types the simulated eBox knows, with their validity period.

The real service computes a message's expiry from its type (1 month to 3 years) and ignores any
`expirationDate` the sender gives; an unknown type gets the default below so that a sender can publish
before its types are "onboarded".
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class MessageType:
    id: str
    name: str
    validity_months: int


MESSAGE_TYPES = {
    message_type.id: message_type
    for message_type in (
        MessageType("CPAS_DECISION", "Décision du CPAS", 24),
        MessageType("CPAS_REQUEST", "Demande du CPAS", 6),
        MessageType("CPAS_ACKNOWLEDGEMENT", "Accusé de réception", 12),
        MessageType("CPAS_INFORMATION", "Information du CPAS", 3),
    )
}
DEFAULT_VALIDITY_MONTHS = 12


def validity_months(message_type_id: str) -> int:
    known = MESSAGE_TYPES.get(message_type_id)
    return known.validity_months if known else DEFAULT_VALIDITY_MONTHS


# Messages that land in a centre's enterprise e-Box: the ones a tester may drop (standing for the SPP IS,
# the ONEM and others) and the citizens' replies, which the simulator writes itself.
CITIZEN_REPLY = "CITIZEN_REPLY"
ENTERPRISE_MESSAGE_TYPES = {
    message_type.id: message_type
    for message_type in (
        MessageType("SPPIS_DECISION", "Décision du SPP Intégration sociale", 24),
        MessageType("SPPIS_NOTIFICATION", "Notification du SPP Intégration sociale", 12),
        MessageType("ONEM_INFO", "Information de l'ONEM", 6),
        MessageType("CPAS_OTHER", "Autre message pour le CPAS", 12),
        MessageType(CITIZEN_REPLY, "Réponse d'un citoyen", 24),
    )
}
DROPPABLE_TYPES = [t for t in ENTERPRISE_MESSAGE_TYPES.values() if t.id != CITIZEN_REPLY]


def enterprise_validity_months(message_type_id: str) -> int:
    known = ENTERPRISE_MESSAGE_TYPES.get(message_type_id)
    return known.validity_months if known else DEFAULT_VALIDITY_MONTHS
