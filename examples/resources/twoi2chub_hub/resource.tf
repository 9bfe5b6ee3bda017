# A hackweek's hub: HTTPS from Let's Encrypt, a pinned default image, three
# server sizes (a large one on its own node pool, one with a GPU), 20Gi home directories, JupyterLab with the
# course material pulled at start and shared data mounted read-only, at most
# 200 servers, idle servers stopped after 30 minutes, the hub and proxy
# kept on the core node pool, and every pod labelled for cost reports.
resource "twoi2chub_hub" "hackweek" {
  name      = "hackweek"
  namespace = "hackweek"
  # Labels twoi2chub-hub and twoi2chub-community on the namespace and every
  # pod: the cloud's cost export splits the bill by them.
  community = "pangeo"

  domain = "hackweek.example.org"
  https = {
    mode          = "letsencrypt"
    contact_email = "it@example.org"
  }

  image = "quay.io/jupyter/scipy-notebook:2025-01-06"

  profiles = [
    {
      display_name     = "Small: 1 CPU, 2 GB"
      default          = true
      cpu_limit        = 1
      memory_guarantee = "1G"
      memory_limit     = "2G"
    },
    {
      display_name = "Workshop"
      # Menus beyond the image (KubeSpawner profile_options): each choice
      # sets a few of the server's settings; one choice is the default.
      options = {
        resources = {
          display_name = "Resources"
          choices = {
            small  = { display_name = "1 CPU, 2 GB", cpu_limit = 1, memory_limit = "2G", default = true }
            medium = { display_name = "2 CPU, 4 GB", cpu_limit = 2, memory_limit = "4G", environment = { OMP_NUM_THREADS = "2" } }
          }
        }
      }
    },
    {
      display_name     = "Large: 4 CPU, 16 GB"
      cpu_guarantee    = 2
      cpu_limit        = 4
      memory_guarantee = "8G"
      memory_limit     = "16G"
      image_choices = [
        { display_name = "Scientific Python", image = "quay.io/jupyter/scipy-notebook:2025-01-06", default = true },
        { display_name = "R", image = "quay.io/jupyter/r-notebook:2025-01-06" },
      ]
      # Or any image of the community's own registry, typed in on the form.
      unlisted_image = {
        display_name       = "Other image"
        validation_regex   = "^quay.io/hackweek/.+:.+$"
        validation_message = "An image of quay.io/hackweek with a tag"
      }
      # On the high-memory pool, tainted so that only these servers go there;
      # the plan checks that its nodes have 8G to give.
      node_selector = { "cloud.google.com/gke-nodepool" = "user-highmem" }
      tolerations   = [{ key = "hub.jupyter.org/dedicated", value = "highmem", effect = "NoSchedule" }]
      node_affinity = {
        preferred = [{ weight = 50, key = "cloud.google.com/gke-spot", operator = "DoesNotExist" }]
      }
      environment = { OMP_NUM_THREADS = "4" }
    },
    {
      display_name = "GPU: 1 NVIDIA T4"
      image        = "quay.io/jupyter/pytorch-notebook:cuda12-2025-01-06"
      memory_limit = "16G"
      gpu = {
        count         = 1
        node_selector = { "cloud.google.com/gke-accelerator" = "nvidia-tesla-t4" }
        tolerations   = [{ key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" }]
      }
    },
  ]

  storage = {
    type     = "dynamic"
    capacity = "20Gi"
  }

  culling = {
    enabled = true
    timeout = 1800
  }

  admin_users = ["ada", "grace"]

  node_purpose = {
    core = "require"
    user = "prefer"
  }

  # What every server gets, whichever profile is chosen.
  user_servers = {
    default_url   = "/lab"
    start_timeout = 600
    environment   = { TZ = "Europe/Paris" }
    environment_from_secrets = {
      GITHUB_TOKEN = { secret_name = "hackweek-github", key = "token" }
    }
    volumes = [
      { name = "shared-data", mount_path = "/home/jovyan/shared-data", read_only = true, nfs = { server = "10.0.0.2", path = "/data" } },
    ]
    lifecycle_hooks = {
      post_start = ["gitpuller", "https://github.com/example/hackweek", "main", "hackweek"]
    }
  }

  limits        = { active_servers = 200, concurrent_spawns = 20 }
  named_servers = { enabled = true, limit_per_user = 2 }

  # Anything without a typed attribute, merged over the rest.
  extra_values = yamlencode({
    singleuser = { extraLabels = { community = "hackweek" } }
  })

  timeouts = {
    create = "15m"
    update = "15m"
  }
}

output "hub_url" {
  value = twoi2chub_hub.hackweek.url
}
