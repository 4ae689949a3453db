"""Names vulture (`make lint`) cannot see used: Django, Celery, gunicorn and the templates find them by name.

Each group says who reads them. A name here is not dead code; dead code is deleted, not listed. The
candidates come from `vulture --make-whitelist` (run with this file emptied); keep only what such a
reader uses. Django's conventions that hold everywhere (admin attributes, Meta, commands, URL
configurations, AppConfig, signal receivers, tasks) are in pyproject.toml's [tool.vulture] instead.
"""

# ruff: noqa
# fmt: off

# bench/bench_upload.py: Celery's app configuration, pointing the producer at the worker's broker
_.broker_url
_.broker_transport_options
_._producer_pool

# primaweb/broker_files.py: kombu calls the transport's loop by name
_.drain_events

# centrebox/catalogue.py: fields set on a row, then saved
_.type_name
_.sender_name

# centrebox/models.py: model fields and properties, read by Django's metaclass, forms, the admin and the templates
sender_application
body_media_type
read_by
imported_at
_.is_unlinked_reply
_.language_label
last_run_at

# centrebox/services.py: fields set on a row, then saved
_.body_media_type
_.read_by

# cpasonline/forms.py: form fields, read by Django's form metaclass
nature
lives_at_residence
is_student
in_facility
website

# cpasonline/models.py: model fields and properties, read by Django's metaclass, forms, the admin and the templates
nature
lives_at_residence
is_student
in_facility
read_by
acknowledgement_lease_until
acknowledgement_error
_.acknowledgement_given_up

# documents/converter_gate.py: an attribute of xmlrpc.server's request handler
rpc_paths

# documents/durable_storage.py: the local file store, named in settings.STORAGES
DurableFileSystemStorage

# documents/extensions.py: dataclass fields read by templates
confirm
title

# documents/management/commands/run_converter.py: the frame argument of a signal handler
frame

# documents/models.py: model fields and properties, read by Django's metaclass, forms, the admin and the templates
send_state
conversion_timeouts
conversion_crashes
conversion_errors
uploaded_at
uploaded_by
converted_at
_.failure_message
_.reason_message

# documents/samples.py: test material imported only by tests and benchmarks: it moves under tests/ with the
# split of the documents app (PENDING_SPLIT in tests/test_architecture.py), and leaves this list then
_.external_attr
docm_renamed_bytes
zip_bomb_docx_bytes
many_members_docx_bytes
high_ratio_docx_bytes
odt_with_link_bytes
encrypted_odt_bytes
odt_with_macro_bytes
pdf_bytes
encrypted_pdf_bytes
encrypted_docx_bytes
encrypted_doc_bytes
doc_with_macro_bytes
doc_with_extra_streams_bytes
ole_without_word_bytes
png_bytes
exe_bytes
big_png_bytes
docx_with_image_bytes
odt_with_image_bytes
rtf_with_image_bytes


# documents/services.py: fields set on a row, then saved
_.converted_at
_.conversion_crashes
_.conversion_errors
_.conversion_timeouts
_.send_state

# documents/upload_handlers.py: named in FILE_UPLOAD_HANDLERS (settings); the arguments of Django's upload handler protocol
SizeLimitedUploadHandler
boundary
input_data

# dossiers/forms.py: form fields, read by Django's form metaclass
birth_day
birth_month
birth_year

# dossiers/models.py: model fields and properties, read by Django's metaclass, forms, the admin and the templates
legal_municipality_code
bcss_consulted_at
_.birth_date_display
_.gender_display
_.civil_state_display
_.nationality_display
_.register_display
_.legal_address_lines
_.effective_address_lines
created_at
created_by

# dossiers/sections.py: dataclass fields read by templates
title

# ebox/client.py: dataclass fields of the adapter's answer, the API's shape
exclusively_ebox
last_connection

# ebox/forms.py: form fields, read by Django's form metaclass
decision
confirmed

# ebox/models.py: model fields and properties, read by Django's metaclass, forms, the admin and the templates
requested_at
sent_at
resolved_by
resolved_at
_.can_retry

# ebox/services.py: fields set on a row, then saved
_.sent_at

# ebox/verification.py: fields set on a row, then saved
_.resolved_by
_.resolved_at
_.sent_at

# primaweb/admin_history.py: read by Django's admin
_.current_app

# primaweb/admin_site.py: named by primaweb.apps.PrimawebAdminConfig.default_site
PrimawebAdminSite

# primaweb/append_only.py: QuerySet methods overridden to refuse them, and their arguments
_.bulk_update
create_defaults

# primaweb/apps.py: an AppConfig attribute Django reads
default_site

# primaweb/context_processors.py: named in TEMPLATES (settings)
primaweb

# primaweb/hashers.py: named in PASSWORD_HASHERS (settings)
OwaspArgon2PasswordHasher

# primaweb/headers.py: named in MIDDLEWARE (settings)
SecurityHeadersMiddleware

# primaweb/invitations.py: fields set on a row, then saved
_.closed_at

# primaweb/logformat.py: named in LOGGING (settings); logging.Formatter's attributes
UTCFormatter
datefmt

# primaweb/menu.py: dataclass fields read by templates
title

# primaweb/models.py: model fields and properties, read by Django's metaclass, forms, the admin and the templates
DUTCH
GERMAN
_.commune_name
created_at
invited_by
closed_at
object_type
append_only
_.details_display

# primaweb/network.py: named in AXES_CLIENT_IP_CALLABLE (settings)
lockout_address

# primaweb/pagination.py: read by templates/includes/pagination.html
next_query
previous_query
_.next_query
_.previous_query

# primaweb/services.py: a service the tests create centres with (the admin does through the model form)
centre_create

# primaweb/views.py: view class attributes; handler403/handler404 (named in primaweb/urls.py); URL keyword arguments
redirect_authenticated_user
permission_denied
page_not_found

# primaweb/wsgi.py: the WSGI entry point gunicorn names
application

# simulators/bcss/models.py: model fields and properties, read by Django's metaclass, forms, the admin and the templates
civil_state_since
partner_niss
phonetic_key
phonetic_skeleton
_.phonetic_key
_.phonetic_skeleton

# simulators/bcss/population.py: fields of generated register rows, bulk-created
_.phonetic_key
_.phonetic_skeleton
_.civil_state_since
_.partner_niss

# simulators/bcss/search.py: a result's field, read by the tests
score

# simulators/bcss/views.py: view class attributes; handler403/handler404 (named in primaweb/urls.py); URL keyword arguments
rest

# simulators/ebox/contract.py: openapi-core's Request protocol
_.full_url_pattern

# simulators/ebox/models.py: model fields and properties, read by Django's metaclass, forms, the admin and the templates
deactivated_at
ACCEPT
REFUSE
created_at

# simulators/ebox/services.py: fields set on a row, then saved
_.deactivated_at

# simulators/ebox/views/api.py: the arguments of Django's upload handler protocol; URL keyword arguments
boundary
input_data
rest

# dossiers: model fields, properties and dataclass fields, read by the templates, the admin and the forms
head_of_household
integration_error
integration_attempted_at
_.integration_needs_retry
replaced_at
replaced_by

# mutations: model fields and properties, read by the admin, the templates and the forms
numero
receive_move
receive_death
receive_marriage
receive_divorce
receive_birth
receive_nationality
polled_at
refused_at
processed_by
_.address_lines

# simulators/bcss: the directory's fields, and what the tests use to make the register change
sector
mutation_simulate_one
integrated_ssins

# cpasonline: fields set on a row, then saved; read by the templates and the admin
notified_by

# deadlines: model fields and properties, and form fields, read by the templates, the admin and the forms
qui
periode
source_date
centre_message
met_by
updated_at
_.source_date_label
_.source_url

# primaweb/broker_files.py: kombu's file transport calls it to write a message
_._put

# primaweb/pagination.py: read by templates/includes/pagination.html
_.num_pages

# letters: python-docx run formatting set on a run; the mailing's last step, read by the admin and the sweep
_.bold
stepped_at
