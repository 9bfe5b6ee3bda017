# <namespace>/<name> of the auth (its settings live in the ConfigMap twoi2chub-auth-<name>).
# A write-only client_secret_wo is not imported: set it again in the configuration.
terraform import twoi2chub_auth.github hackweek/github
