# shellcheck shell=bash
# What the local run starts and with which environment. Sourced by deploy/local/lib.sh.
#
# Everything a service needs locally is declared in the three tables below:
#   - a new service:          one line in KISUM_SERVICE_TABLE (and its gateway prefix in deploy/gateway/)
#   - a new setting:          one line in KISUM_ENV_TABLE
#   - a new generated secret: one line in KISUM_SECRET_TABLE (added to an existing .data/secrets.env
#                             on the next run; existing secrets are never regenerated)

# service          port   database          gateway prefix
KISUM_SERVICE_TABLE='
platform-core      8000   kisum_platform    platform
base               3099   kisum_base        base
venue              8081   kisum_venue       venue
finance            8082   kisum_finance     finance
promoter           8083   kisum_promoter    promoter
'

# Secrets generated once into .data/secrets.env (chmod 600, never committed).
# kinds: key = internal API key (64 hex characters), base64-32 = 32 random bytes in base64,
#        hex-24 = 24 random bytes in hex (URL-safe password).
# name                          kind
KISUM_SECRET_TABLE='
PLATFORM_CORE_INTERNAL_KEY      key
BASE_INTERNAL_KEY               key
VENUE_INTERNAL_KEY              key
FINANCE_INTERNAL_KEY            key
PROMOTER_INTERNAL_KEY           key
SIGNING_KEY_ENCRYPTION_KEY      base64-32
XERO_TOKEN_KEY                  base64-32
KISUM_DB_PASSWORD               hex-24
'

# The environment of each service: one line per variable.
#   who:   all | others (every service but platform-core) | a service name
#   value: expanded for each service when it starts (the rest of the line, may not contain quotes).
#          Available: $SVC (service name), $SVC_PORT, $SVC_DB, $SVC_INTERNAL_KEY (the key this service
#          accepts), every secret above, $<SERVICE>_LOCAL_URL (e.g. $FINANCE_LOCAL_URL =
#          http://127.0.0.1:8082), $KISUM_ROOT, $KISUM_DATA (the data folder), $KISUM_PG_PORT, $KISUM_LOG_LEVEL,
#          $KISUM_LOG_FORMAT.
# A service that calls another presents the callee's key: e.g. venue's FINANCE_API_KEY is
# $FINANCE_INTERNAL_KEY, which finance accepts in its INTERNAL_API_KEYS.
# Base seals Xero tokens with XERO_TOKEN_KEY; Xero itself stays off (503) until XERO_CLIENT_ID, XERO_CLIENT_SECRET and
# XERO_REDIRECT_URI are added through KISUM_ENV_EXTRA (lib.sh), e.g. "base XERO_CLIENT_ID abc…".
# Locally every caller is 127.0.0.1, so the public routes' per-address limit (sign-up, register, …; 5 a
# minute by default) is raised: `make fuzz` and a developer signing up test accounts share that one address. Access
# tokens last an hour locally (15 minutes by default): a fuzz lane keeps one user's token for all of Base's contract.
# who             NAME                          value
KISUM_ENV_TABLE='
all               HOST                          127.0.0.1
all               PORT                          $SVC_PORT
all               LOG_LEVEL                     $KISUM_LOG_LEVEL
all               LOG_FORMAT                    $KISUM_LOG_FORMAT
all               KISUM_RESOURCES_DIR           $KISUM_ROOT
all               DOCS_ASSETS_DIR               $KISUM_ROOT/.data/swagger-ui
all               DATABASE_URL                  postgres://kisum:$KISUM_DB_PASSWORD@127.0.0.1:$KISUM_PG_PORT/$SVC_DB?sslmode=disable
all               INTERNAL_API_KEYS             $SVC_INTERNAL_KEY
others            AUTH_JWKS_URL                 $PLATFORM_CORE_LOCAL_URL/.well-known/jwks.json
others            PLATFORM_CORE_URL             $PLATFORM_CORE_LOCAL_URL
others            PLATFORM_CORE_API_KEY         $PLATFORM_CORE_INTERNAL_KEY
platform-core     SIGNING_KEY_ENCRYPTION_KEY    $SIGNING_KEY_ENCRYPTION_KEY
platform-core     PUBLIC_RATE_LIMIT_BURST       60
platform-core     PUBLIC_RATE_LIMIT_PER_MINUTE  60
platform-core     ACCESS_TOKEN_TTL_SECONDS      3600
venue             PROMOTERS_BASE_URL            $PROMOTER_LOCAL_URL
venue             PROMOTERS_API_KEY             $PROMOTER_INTERNAL_KEY
venue             FINANCE_BASE_URL              $FINANCE_LOCAL_URL
venue             FINANCE_API_KEY               $FINANCE_INTERNAL_KEY
venue             BASE_URL                      $BASE_LOCAL_URL
venue             BASE_API_KEY                  $BASE_INTERNAL_KEY
base              VENUE_URL                     $VENUE_LOCAL_URL
base              VENUE_API_KEY                 $VENUE_INTERNAL_KEY
base              FINANCE_BASE_URL              $FINANCE_LOCAL_URL
base              FINANCE_API_KEY               $FINANCE_INTERNAL_KEY
base              XERO_TOKEN_KEY                $XERO_TOKEN_KEY
base              FILES_DIR                     $KISUM_DATA/storage/base
'
# Base's files are on local disk (FILES_DIR) unless FILES_STORAGE=s3 with S3_ENDPOINT, S3_BUCKET, S3_REGION, S3_ACCESS_KEY
# and S3_SECRET_KEY; FILES_MAX_BYTES and FILES_ALLOWED_TYPES bound uploads. The Nextcloud routes answer 503 until
# NEXTCLOUD_URL, NEXTCLOUD_USER and NEXTCLOUD_APP_PASSWORD name an account: set them in KISUM_ENV_EXTRA
# (same columns as the table above) to try them locally.
