# The namespace of the support releases. Settings cannot be read back from
# the releases: the first apply with your configuration records them and
# leaves alone the releases whose values already match.
terraform import twoi2chub_cluster_support.this support
