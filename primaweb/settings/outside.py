"""Settings of the outside services: the BCSS, the eBox (publication, federation, the centre's own e-Box)
and CPAS Online's citizen side (federal sign-in, the register consulted for it, public rate limits)."""

import os

from django.core.exceptions import ImproperlyConfigured

from .env import SITE_URL, VAR_DIR, env_bool

# BCSS (Banque Carrefour de la Sécurité Sociale), IdentifyPerson over SOAP.
BCSS_URL = os.environ.get(
    "BCSS_URL", f"{SITE_URL}/simulators/bcss/connectors/webservice/KSZBCSSWebServiceConnectorPort"
)
# RetrieveTIGroups (« Tx25 »), the national-register record, is a service of its own at the BCSS.
BCSS_TI_GROUPS_URL = os.environ.get(
    "BCSS_TI_GROUPS_URL", f"{SITE_URL}/simulators/bcss/RetrieveTIGroupsService/v2/retrieveTI"
)
BCSS_TIMEOUT = float(os.environ.get("BCSS_TIMEOUT", "10"))
# The register's mutations, pulled per centre (stands in for the BCSS mutation flow: mutations/register.py).
BCSS_MUTATIONS_URL = os.environ.get(
    "BCSS_MUTATIONS_URL", f"{SITE_URL}/simulators/bcss/mutations/MutationPullPort"
)
MUTATIONS_POLL_SECONDS = float(os.environ.get("MUTATIONS_POLL_SECONDS", "120"))

# eBox (REST API 2.1): OAuth2 client credentials for a bearer token, then the publication API. The client
# proves itself with a JWT signed by its certificate's key (private_key_jwt): key and certificate as PEM
# text (EBOX_PRIVATE_KEY, EBOX_CERTIFICATE) or as files; `make run` generates a demo pair in var/ebox/.
EBOX_API_URL = os.environ.get("EBOX_API_URL", f"{SITE_URL}/simulators/ebox/api/publication/v2.1").rstrip("/")
EBOX_TOKEN_URL = os.environ.get("EBOX_TOKEN_URL", f"{SITE_URL}/simulators/ebox/oauth2/token")
# The `aud` of the signed assertion: https://oauth.socialsecurity.be in production; empty: the token URL.
EBOX_TOKEN_AUDIENCE = os.environ.get("EBOX_TOKEN_AUDIENCE", "")
EBOX_CLIENT_ID = os.environ.get("EBOX_CLIENT_ID", "primaweb")
EBOX_PRIVATE_KEY = os.environ.get("EBOX_PRIVATE_KEY", "")
EBOX_PRIVATE_KEY_FILE = os.environ.get("EBOX_PRIVATE_KEY_FILE", str(VAR_DIR / "ebox" / "client-key.pem"))
EBOX_CERTIFICATE = os.environ.get("EBOX_CERTIFICATE", "")
EBOX_CERTIFICATE_FILE = os.environ.get("EBOX_CERTIFICATE_FILE", str(VAR_DIR / "ebox" / "client-cert.pem"))
# Whether the platform's client (above) is a declared mandatary of the centres, and may publish for a
# centre that has no eBox credentials of its own.
EBOX_PLATFORM_MANDATARY = env_bool("EBOX_PLATFORM_MANDATARY", True)
# The BCE number of the organisation the platform's certificate belongs to. The consultation API opens the
# e-Box of the credentials' organisation: the platform's client reads a centre's own e-Box only when it is
# that centre's (a one-centre deployment); being a mandatary lets it publish for a centre, not read it.
EBOX_PLATFORM_BCE = os.environ.get("EBOX_PLATFORM_BCE", "").strip()
EBOX_SCOPE = os.environ.get(
    "EBOX_SCOPE", "scope:document:management:consult:ws-eboxrestentreprise:publicationsender"
)
# The federation API: whether a citizen has an eBox, asked before publishing.
EBOX_FEDERATION_URL = os.environ.get(
    "EBOX_FEDERATION_URL", f"{SITE_URL}/simulators/ebox/api/federation/v1"
).rstrip("/")
EBOX_FEDERATION_SCOPE = os.environ.get(
    "EBOX_FEDERATION_SCOPE", "scope:documentmanagement:ebox:enterprise:federation-rest:preference"
)
EBOX_TIMEOUT = float(os.environ.get("EBOX_TIMEOUT", "15"))
EBOX_MAX_ATTEMPTS = int(os.environ.get("EBOX_MAX_ATTEMPTS", "6"))
# "2.1" ignores Idempotency-Key: a send whose answer was lost after the body left is not sent again by
# itself but becomes « envoi à vérifier ». "3" honours the key: such sends are retried automatically.
EBOX_API_VERSION = os.environ.get("EBOX_API_VERSION", "2.1").strip()
if EBOX_API_VERSION not in ("2.1", "3"):
    raise ImproperlyConfigured(f"EBOX_API_VERSION must be 2.1 or 3, not {EBOX_API_VERSION!r}")
# A worker holds a publication it sends for this long (more than one attempt can take: the token, a
# renewed token and the publication, each bounded by EBOX_TIMEOUT); once it is over, the sweep (every
# EBOX_SWEEP_SECONDS) takes the publication back. A publication queued and not taken by a worker within
# EBOX_QUEUE_GRACE seconds is queued again: the row, not the broker, is the queue's truth.
EBOX_LEASE_SECONDS = int(os.environ.get("EBOX_LEASE_SECONDS", str(int(4 * EBOX_TIMEOUT) + 30)))
EBOX_QUEUE_GRACE = int(os.environ.get("EBOX_QUEUE_GRACE", "60"))
EBOX_SWEEP_SECONDS = float(os.environ.get("EBOX_SWEEP_SECONDS", "30"))
# The centre's own (enterprise) e-Box: the consultation API, same token; imported every N seconds.
EBOX_CONSULT_URL = os.environ.get(
    "EBOX_CONSULT_URL", f"{SITE_URL}/simulators/ebox/api/consultation/v2.1"
).rstrip("/")
CENTREBOX_IMPORT_SECONDS = float(os.environ.get("CENTREBOX_IMPORT_SECONDS", "300"))
CENTREBOX_IMPORT_RETRIES = int(os.environ.get("CENTREBOX_IMPORT_RETRIES", "3"))

# CPAS Online: the citizen's federal sign-in (FAS / CSAM, OpenID Connect). Off unless these are set: the
# citizen then types their identity. The simulated sign-in (a NISS of the simulated register) exists only
# while the simulators are on.
# The centre (BCE number) whose technical BCSS user CPAS Online consults the register as; empty: the
# first centre that has one (Administration > C.P.A.S.).
CPAS_ONLINE_BCSS_CENTRE = os.environ.get("CPAS_ONLINE_BCSS_CENTRE", "")
CPAS_ONLINE_OIDC_AUTHORIZATION_URL = os.environ.get("CPAS_ONLINE_OIDC_AUTHORIZATION_URL", "")
CPAS_ONLINE_OIDC_TOKEN_URL = os.environ.get("CPAS_ONLINE_OIDC_TOKEN_URL", "")
CPAS_ONLINE_OIDC_USERINFO_URL = os.environ.get("CPAS_ONLINE_OIDC_USERINFO_URL", "")
CPAS_ONLINE_OIDC_CLIENT_ID = os.environ.get("CPAS_ONLINE_OIDC_CLIENT_ID", "")
CPAS_ONLINE_OIDC_CLIENT_SECRET = os.environ.get("CPAS_ONLINE_OIDC_CLIENT_SECRET", "")
CPAS_ONLINE_OIDC_SCOPE = os.environ.get("CPAS_ONLINE_OIDC_SCOPE", "openid profile egovnrn")
# The userinfo claim that carries the national register number (FAS: "egovNRN").
CPAS_ONLINE_OIDC_NISS_CLAIM = os.environ.get("CPAS_ONLINE_OIDC_NISS_CLAIM", "egovNRN")
CPAS_ONLINE_OIDC_TIMEOUT = float(os.environ.get("CPAS_ONLINE_OIDC_TIMEOUT", "10"))

# The public form's rate limits, per client address (an IPv6 client by its /64) and per hour: filed
# requests, and sign-ins that ask the register.
CPAS_ONLINE_RATE_LIMIT = int(os.environ.get("CPAS_ONLINE_RATE_LIMIT", "5"))
CPAS_ONLINE_SIGN_IN_LIMIT = int(os.environ.get("CPAS_ONLINE_SIGN_IN_LIMIT", "20"))
