"""The ResultSummary details the simulator answers with: BCSS reason codes and their diagnostics.

The codes and wordings are those the real service sends (see the IdentifyPerson sample replies). The
official schemas hold no list of reason codes (`ReasonCode` is a free string, and optional), and the
public documents give no code for an unknown or invalid SSIN nor for a message holding too many service
requests: for those the simulator answers an ERROR detail without a ReasonCode, its Diagnostic saying
what is wrong, rather than invent a code a client might come to rely on.

A schema-invalid request gets 30000001, with the schema's complaint in the Information element.
"""

from dataclasses import dataclass, field

INFORMATION, WARNING, ERROR = "INFORMATION", "WARNING", "ERROR"
AUTHOR = "CBSS"

# ReplyContext level.
SERVICE_ERROR = "30000001"
SERVICE_WARNING = "20000001"
# ServiceReply level, IdentifyPerson.
INCOMPLETE_DATE_WITHOUT_TOLERANCE = "31009001"
MANDATORY_ARGUMENT_MISSING = "31000007"
PHONETIC_NOT_FOUND = "32007004"
SSIN_AND_PHONETIC = "21007001"
PERSON_DATA_MISMATCH = "22007007"
IDENTITY_VALIDATED = "12007001"

RETURN_CODES = {"YES": 0, "WARNING": 1, "NO": 10000}


@dataclass(frozen=True)
class Detail:
    """One ResultSummary/Detail. `information` holds (FieldName, FieldValue or None) pairs, at most 5."""

    severity: str
    reason_code: str
    diagnostic: str
    information: tuple[tuple[str, str | None], ...] = field(default=())


def status_of(details: list[Detail]) -> str:
    """The ResultSummary `ok` attribute a list of details calls for: NO, WARNING or YES."""
    severities = {detail.severity for detail in details}
    if ERROR in severities:
        return "NO"
    if WARNING in severities:
        return "WARNING"
    return "YES"


def service_failed() -> Detail:
    return Detail(ERROR, SERVICE_ERROR, "At least one service request has generated an error.")


def service_warned() -> Detail:
    return Detail(WARNING, SERVICE_WARNING, "At least one service request has generated a warning.")


def invalid_request(what: str, complaint: str) -> Detail:
    return Detail(
        ERROR,
        SERVICE_ERROR,
        f"The {what} does not conform to its XML schema.",
        ((what, complaint[:500]),),
    )


def mandatory_missing(field_name: str) -> Detail:
    return Detail(
        ERROR,
        MANDATORY_ARGUMENT_MISSING,
        "The expected mandatory argument is not provided or empty.",
        ((field_name, None),),
    )


def tolerance_required(birth_date: str) -> Detail:
    return Detail(
        ERROR,
        INCOMPLETE_DATE_WITHOUT_TOLERANCE,
        "When the birth date in the phonetic criteria is not a complete date, a birth date tolerance "
        "must be specified.",
        (("Phonetic Criteria: Birth Date", birth_date), ("Phonetic Criteria: Birth Date Tolerance", None)),
    )


def invalid_birth_date(birth_date: str) -> Detail:
    return Detail(
        ERROR,
        SERVICE_ERROR,
        "The birth date in the phonetic criteria is not a possible date.",
        (("Phonetic Criteria: Birth Date", birth_date),),
    )


def phonetic_not_found() -> Detail:
    return Detail(ERROR, PHONETIC_NOT_FOUND, "No person was found matching the phonetic criteria.")


# No documented code (see the module's docstring): the detail goes without a ReasonCode.
UNDOCUMENTED = ""


def ssin_not_found(ssin: str) -> Detail:
    return Detail(ERROR, UNDOCUMENTED, "No person is known with this SSIN.", (("SSIN", ssin),))


def ssin_invalid(ssin: str) -> Detail:
    return Detail(
        ERROR,
        UNDOCUMENTED,
        "The SSIN is not a valid national register or BIS number (check digits or date).",
        (("SSIN", ssin),),
    )


def too_many_service_requests(count: int, limit: int) -> Detail:
    return Detail(
        ERROR,
        UNDOCUMENTED,
        f"The request holds {count} service requests; at most {limit} are processed in one message.",
        (("ServiceRequest", str(count)),),
    )


def ssin_and_phonetic() -> Detail:
    return Detail(
        WARNING,
        SSIN_AND_PHONETIC,
        "Both a SSIN and Phonetic Criteria were specified. The Phonetic Criteria will be ignored.",
    )


def person_data_mismatch(ssin: str, person_data: dict[str, str]) -> Detail:
    return Detail(
        WARNING,
        PERSON_DATA_MISMATCH,
        "The specified PersonData does not match with the data found for this person.",
        (
            ("Phonetic Information: Birth Date", person_data.get("BirthDate") or None),
            ("Phonetic Information: First Name", person_data.get("FirstName") or None),
            ("SSIN", ssin),
            ("Phonetic Information: Last Name", person_data.get("LastName") or None),
            ("Phonetic Information: Middle Name", person_data.get("MiddleName") or None),
        ),
    )


def identity_validated(ssin: str) -> Detail:
    return Detail(
        INFORMATION,
        IDENTITY_VALIDATED,
        "The identity of the person was successfully validated by the system.",
        (("SSIN", ssin),),
    )


def unknown_service(service_id: str, version: str) -> Detail:
    return Detail(
        ERROR,
        SERVICE_ERROR,
        "The requested service or version is not offered.",
        (("ServiceId", service_id), ("Version", version)),
    )


# ManageAccess. No public document lists its reason codes either: its refusals are ERROR details without
# a ReasonCode, the Diagnostic saying what is wrong, the overlapping inscriptions (if any) in the reply.
def period_ends_before_start(start: str, end: str) -> Detail:
    return Detail(
        ERROR,
        UNDOCUMENTED,
        "The end date of the period precedes its start date.",
        (("Period: StartDate", start), ("Period: EndDate", end)),
    )


def inscription_overlaps(ssin: str) -> Detail:
    return Detail(
        ERROR,
        UNDOCUMENTED,
        "An inscription of this person for this organisation overlaps the period to register.",
        (("SSIN", ssin),),
    )


def inscription_not_found(ssin: str, start: str) -> Detail:
    return Detail(
        ERROR,
        UNDOCUMENTED,
        "No inscription of this person for this organisation starts on this date.",
        (("SSIN", ssin), ("Period: StartDate", start)),
    )


def proof_mismatch(ssin: str) -> Detail:
    return Detail(
        ERROR,
        UNDOCUMENTED,
        "The proof of authentication does not match the person with this SSIN.",
        (("SSIN", ssin),),
    )
