# The hackweek's environment, built by repo2docker from its repository
# (environment.yml, requirements.txt, apt.txt, postBuild, ...), and run by the
# hub's profiles. Each new commit on main is a new image, built once.
resource "twoi2chub_user_image" "hackweek" {
  repository = "https://github.com/2i2c-org/hackweek-env"
  ref        = "main"
  image      = "us-central1-docker.pkg.dev/hackweek-project/hub/env"

  builder = {
    namespace     = "hackweek-builds"
    push_secret   = "artifact-registry-push" # kubernetes.io/dockerconfigjson
    node_selector = { "hub.jupyter.org/node-purpose" = "user" }
    memory        = "8Gi"
  }

  build_args = ["--build-memory-limit", "6G"]

  # A private repository: a Secret in the builder namespace with the key
  # "token" (a fine-grained GitHub token that can read it); for ssh://
  # URLs, kind = "ssh" with "ssh-privatekey" and "known_hosts".
  git_credentials = { secret_name = "hackweek-env-read" }

  timeouts = {
    create = "90m"
    update = "90m"
  }
}

resource "twoi2chub_hub" "hackweek" {
  name      = "hackweek"
  namespace = "hackweek"

  # The default image, pinned by digest.
  image = twoi2chub_user_image.hackweek.image_digest_ref
  # The registry is private: pull with the builder's push Secret, which the
  # provider copies into the hub's namespace.
  image_pull_secrets_from = [{ namespace = "hackweek-builds", name = "artifact-registry-push" }]

  profiles = [
    {
      display_name = "Hackweek environment"
      default      = true
      image        = twoi2chub_user_image.hackweek.image_digest_ref
      memory_limit = "4G"
    },
    {
      display_name = "Hackweek environment with a GPU"
      image        = twoi2chub_user_image.hackweek.image_digest_ref
      memory_limit = "16G"
      gpu          = { count = 1, tolerations = [{ key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" }] }
    },
  ]
}
